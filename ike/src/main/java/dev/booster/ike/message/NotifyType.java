package dev.booster.ike.message;

/** The notify message types Booster sends or acts on (RFC 7296 §3.10.1); others are logged by number. */
public enum NotifyType {
    UNSUPPORTED_CRITICAL_PAYLOAD(1),
    INVALID_IKE_SPI(4),
    INVALID_MAJOR_VERSION(5),
    INVALID_SYNTAX(7),
    INVALID_MESSAGE_ID(9),
    INVALID_SPI(11),
    NO_PROPOSAL_CHOSEN(14),
    INVALID_KE_PAYLOAD(17),
    AUTHENTICATION_FAILED(24),
    SINGLE_PAIR_REQUIRED(34),
    NO_ADDITIONAL_SAS(35),
    INTERNAL_ADDRESS_FAILURE(36),
    FAILED_CP_REQUIRED(37),
    TS_UNACCEPTABLE(38),
    INVALID_SELECTORS(39),
    TEMPORARY_FAILURE(43),
    CHILD_SA_NOT_FOUND(44),
    INITIAL_CONTACT(16384),
    SET_WINDOW_SIZE(16385),
    ADDITIONAL_TS_POSSIBLE(16386),
    IPCOMP_SUPPORTED(16387),
    NAT_DETECTION_SOURCE_IP(16388),
    NAT_DETECTION_DESTINATION_IP(16389),
    COOKIE(16390),
    USE_TRANSPORT_MODE(16391),
    REKEY_SA(16393),
    ESP_TFC_PADDING_NOT_SUPPORTED(16394),
    NON_FIRST_FRAGMENTS_ALSO(16395);

    /** Types below this are errors; at or above it, status (RFC 7296 §3.10.1). */
    public static final int FIRST_STATUS_TYPE = 16384;

    private final int code;

    NotifyType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static boolean isError(int code) {
        return code < FIRST_STATUS_TYPE;
    }

    public static String name(int code) {
        for (NotifyType type : values()) {
            if (type.code == code) return type.name();
        }
        return (isError(code) ? "error-" : "status-") + code;
    }
}
