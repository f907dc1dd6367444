package dev.booster.cni;

/** The success of a command that prints nothing: DEL, CHECK, STATUS and GC. */
public record CniNoOutput(CniCommand command) implements CniResponse {
    @Override
    public String stdout() {
        return "";
    }

    @Override
    public int exitCode() {
        return 0;
    }
}
