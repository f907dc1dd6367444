package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.VppBinapi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * How to connect to VPP's API socket.
 *
 * @param socket           VPP's {@code socksvr { socket-name }}, {@code /run/vpp/api.sock} by default
 * @param clientName       the name VPP lists the client under ({@code show api clients})
 * @param requestTimeout   how long a request (and the handshake) may wait for VPP's answer
 * @param knownMessages    the messages the client can decode: every generated one by default
 * @param requiredMessages the messages the caller will use: checked against VPP's table at connect, together with
 *                         what they answer with and the ones the client itself needs (control_ping, keepalive...)
 */
public record VppClientOptions(Path socket, String clientName, Duration requestTimeout,
                               List<VppMessageType<?>> knownMessages, List<VppMessageType<?>> requiredMessages) {

    public static final Path DEFAULT_SOCKET = Path.of("/run/vpp/api.sock");

    public VppClientOptions {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(clientName, "clientName");
        if (clientName.isEmpty() || clientName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            throw new IllegalArgumentException("clientName must be 1 to 63 bytes (sockclnt_create.name is"
                    + " string[64]): '" + clientName + "'");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        knownMessages = List.copyOf(knownMessages);
        requiredMessages = List.copyOf(requiredMessages);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path socket = DEFAULT_SOCKET;
        private String clientName = "booster";
        private Duration requestTimeout = Duration.ofSeconds(10);
        private List<VppMessageType<?>> knownMessages = VppBinapi.messages();
        private final List<VppMessageType<?>> requiredMessages = new ArrayList<>();

        private Builder() {
        }

        public Builder socket(Path socket) {
            this.socket = socket;
            return this;
        }

        public Builder clientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder knownMessages(Collection<? extends VppMessageType<?>> knownMessages) {
            this.knownMessages = List.copyOf(knownMessages);
            return this;
        }

        public Builder require(Collection<? extends VppMessageType<?>> messages) {
            requiredMessages.addAll(messages);
            return this;
        }

        public Builder require(VppMessageType<?>... messages) {
            return require(List.of(messages));
        }

        public VppClientOptions build() {
            return new VppClientOptions(socket, clientName, requestTimeout, knownMessages, requiredMessages);
        }
    }
}
