package dev.booster.cni;

/**
 * What a CNI plugin answers: what it prints on standard output and the exit code. A success is a {@link CniResult}
 * (ADD, and CHECK/DEL/STATUS/GC with no output), a {@link CniVersionInfo} (VERSION), or an error ({@link CniError}).
 */
public sealed interface CniResponse permits CniResult, CniVersionInfo, CniNoOutput, CniError {

    /** The plugin's standard output: JSON, or empty for commands that print nothing on success. */
    String stdout();

    /** 0 on success, non-zero on error. */
    int exitCode();
}
