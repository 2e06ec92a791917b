package io.redismigrate.connector.sink;

import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.resp.RespError;

import java.nio.charset.StandardCharsets;

/**
 * Keyless stream commands on a cluster destination (see {@link ClusterSinkWriter}): which ones must reach every
 * master (FUNCTION, SCRIPT: each node has its own libraries and script cache; PUBLISH is forwarded by the cluster
 * itself), their idempotent forms, and the one error that means "already done". Works on bytes.
 *
 * <p>Idempotent forms, and why each has the result of the original wherever the original would succeed:
 * <ul>
 *   <li>{@code FUNCTION LOAD code} → {@code FUNCTION LOAD REPLACE code}: the source replicated the LOAD, so the
 *       library did not exist there; on a master in step with the source REPLACE loads it just the same; on a master
 *       one command ahead (it got the side call, the fenced unit was lost) it rewrites the same code.</li>
 *   <li>{@code FUNCTION RESTORE payload [APPEND]} → {@code … REPLACE}: same argument (APPEND succeeded on the
 *       source: none of the payload's libraries existed). FLUSH and REPLACE policies are idempotent already.</li>
 *   <li>{@code FUNCTION DELETE lib}: kept; "Library not found" is success (it was deleted already).</li>
 *   <li>{@code FUNCTION FLUSH}, {@code SCRIPT LOAD}, {@code SCRIPT FLUSH}: idempotent as they are.</li>
 * </ul>
 */
final class KeylessCommands {
    private KeylessCommands() {}

    private static final byte[] FUNCTION = b("FUNCTION");
    private static final byte[] SCRIPT = b("SCRIPT");
    private static final byte[] LOAD = b("LOAD");
    private static final byte[] DELETE = b("DELETE");
    private static final byte[] RESTORE = b("RESTORE");
    private static final byte[] REPLACE = b("REPLACE");
    private static final byte[] APPEND = b("APPEND");
    private static final byte[] PUBLISH = b("PUBLISH");
    private static final byte[] SPUBLISH = b("SPUBLISH");
    private static final byte[] SELECT = b("SELECT");

    /** Whether the command changes per-node state that every master must get (FUNCTION, SCRIPT). */
    static boolean everyMaster(byte[][] cmd) {
        return is(cmd[0], FUNCTION) || is(cmd[0], SCRIPT);
    }

    /**
     * Whether a keyless command must be side-called on the other masters: everything except PUBLISH/SPUBLISH (the
     * cluster forwards them) and SELECT; unknown keyless commands go everywhere as before.
     */
    static boolean sideCalled(byte[][] cmd) {
        return !is(cmd[0], PUBLISH) && !is(cmd[0], SPUBLISH) && !is(cmd[0], SELECT);
    }

    /** Whether any command of a transaction is a FUNCTION or SCRIPT command. */
    static boolean anyEveryMaster(byte[][][] cmds) {
        for (byte[][] c : cmds) if (everyMaster(c)) return true;
        return false;
    }

    static boolean isSpublish(byte[][] cmd) {
        return is(cmd[0], SPUBLISH);
    }

    /** The idempotent form of {@code cmd} (the same array when it is idempotent already). */
    static byte[][] idempotent(byte[][] cmd) {
        if (cmd.length < 3 || !is(cmd[0], FUNCTION)) return cmd;
        if (is(cmd[1], LOAD)) {
            for (int i = 2; i < cmd.length - 1; i++) if (is(cmd[i], REPLACE)) return cmd;
            byte[][] r = new byte[cmd.length + 1][];
            r[0] = cmd[0];
            r[1] = cmd[1];
            r[2] = REPLACE;
            System.arraycopy(cmd, 2, r, 3, cmd.length - 2);
            return r;
        }
        if (is(cmd[1], RESTORE)) {
            if (cmd.length == 3) return new byte[][] {cmd[0], cmd[1], cmd[2], REPLACE};
            if (cmd.length == 4 && is(cmd[3], APPEND)) return new byte[][] {cmd[0], cmd[1], cmd[2], REPLACE};
        }
        return cmd;
    }

    /** Whether {@code error} answering {@code cmd} means the command's effect is there already. */
    static boolean alreadyDone(byte[][] cmd, RespError error) {
        return cmd.length >= 3 && is(cmd[0], FUNCTION) && is(cmd[1], DELETE)
                && error.message().contains("Library not found");
    }

    private static boolean is(byte[] word, byte[] upper) {
        return CommandTable.isWord(word, upper);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
