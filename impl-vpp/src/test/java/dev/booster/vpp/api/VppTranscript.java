package dev.booster.vpp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A recording of the binary-API messages a client and a running VPP exchanged (see
 * {@code src/test/resources/vpp-transcripts/README.md}): frames in order, and the steps that group them.
 */
public record VppTranscript(String vppVersion, List<Frame> frames, List<Step> steps) {

    public static final String BASIC = "/vpp-transcripts/v26.06-basic.json";

    /** One message body (after the socket's 16-byte header). */
    public record Frame(int index, boolean fromClient, int messageId, String nameWithCrc, byte[] body) {
        public String name() {
            return nameWithCrc.substring(0, nameWithCrc.lastIndexOf('_'));
        }
    }

    /** An operation: frames {@code start} (inclusive) to {@code end} (exclusive), as the reference client saw them. */
    public record Step(String name, int start, int end, String result) {
    }

    public static VppTranscript load(String resource) {
        try (InputStream in = VppTranscript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Frame> frames = new ArrayList<>();
            for (JsonNode frame : root.get("frames")) {
                frames.add(new Frame(frames.size(), frame.get("dir").asText().equals("c2v"), frame.get("msg_id").asInt(),
                        frame.get("name").asText(), HexFormat.of().parseHex(frame.get("hex").asText())));
            }
            List<Step> steps = new ArrayList<>();
            for (JsonNode step : root.get("steps")) {
                steps.add(new Step(step.get("step").asText(), step.get("start").asInt(), step.get("end").asInt(),
                        step.get("result").asText()));
            }
            return new VppTranscript(root.get("vpp_version").asText(), List.copyOf(frames), List.copyOf(steps));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Step step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + name + " in the transcript"));
    }

    public List<Frame> frames(Step step) {
        return frames.subList(step.start(), step.end());
    }

    public Frame frame(int index) {
        return frames.get(index);
    }
}
