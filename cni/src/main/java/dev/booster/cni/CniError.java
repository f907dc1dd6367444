package dev.booster.cni;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CNI error object, printed on standard output with a non-zero exit code:
 * {@code {"cniVersion": ..., "code": ..., "msg": ..., "details": ...}}.
 *
 * <p>Codes below 100 are the spec's (SPEC.md, "Error"); Booster uses 1.0.0's list for every version, as the
 * reference library ({@code skel}) does, although 0.4.0's spec lists only 1, 2, 3 and 11. Codes from 100 up are
 * Booster's own.
 */
public record CniError(String cniVersion, int code, String msg, String details) implements CniResponse {
    public static final int INCOMPATIBLE_VERSION = 1;
    /** The message must contain the key and the value of the field. */
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    /** The message must contain the names of the invalid variables. */
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODE_FAILURE = 6;
    public static final int INVALID_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    /** STATUS (1.1.0): the plugin cannot serve ADD. */
    public static final int NOT_AVAILABLE = 50;
    /** STATUS (1.1.0): the plugin cannot serve ADD, and existing containers may have limited connectivity. */
    public static final int NOT_AVAILABLE_LIMITED = 51;

    /** Booster's: the dataplane refused or failed (a host error); the message says what and why. */
    public static final int DATAPLANE_FAILURE = 100;
    /** Booster's: the attachment exists with other parameters (another netns); DEL it first. */
    public static final int ATTACHMENT_CONFLICT = 101;
    /** Booster's: CHECK found the attachment other than the previous result says. */
    public static final int CHECK_FAILED = 102;
    /** Booster's: a delegated plugin (IPAM) could not be run or printed something that is not a CNI answer. */
    public static final int DELEGATE_FAILED = 103;

    public CniError {
        if (cniVersion == null || cniVersion.isEmpty()) cniVersion = CniVersion.LATEST.toString();
        if (msg == null) msg = "";
        if (details == null) details = "";
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("cniVersion", cniVersion);
        json.put("code", code);
        json.put("msg", msg);
        if (!details.isEmpty()) json.put("details", details);
        return json;
    }

    @Override
    public String stdout() {
        return toJson().toString();
    }

    @Override
    public int exitCode() {
        return 1;
    }

    /** The same error reported under {@code version}, the version of the request it answers. */
    public CniError withVersion(String version) {
        return new CniError(version, code, msg, details);
    }

    @Override
    public String toString() {
        return "CNI error " + code + ": " + msg + (details.isEmpty() ? "" : " (" + details + ")");
    }
}
