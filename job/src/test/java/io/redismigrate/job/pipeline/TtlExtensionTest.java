package io.redismigrate.job.pipeline;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every command form that sets an expiry, with --ttl-extend 5000 ms. */
class TtlExtensionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PEXPIREAT k 1700000000000          | PEXPIREAT k 1700000005000",
            "pexpireat k 1700000000000 GT       | pexpireat k 1700000005000 GT",
            "PEXPIRE k 1500                     | PEXPIRE k 6500",
            "EXPIREAT k 1700000000              | PEXPIREAT k 1700000005000",
            "EXPIRE k 10 NX                     | PEXPIRE k 15000 NX",
            "PSETEX k 250 v                     | PSETEX k 5250 v",
            "SETEX k 3 v                        | PSETEX k 8000 v",
            "SET k v PXAT 1700000000000         | SET k v PXAT 1700000005000",
            "SET k v EX 2 NX                    | SET k v PX 7000 NX",
            "SET k v NX PX 100 GET              | SET k v NX PX 5100 GET",
            "SET k v EXAT 1700000000            | SET k v PXAT 1700000005000",
            "GETEX k EX 1                       | GETEX k PX 6000",
            "GETEX k PXAT 1700000000000         | GETEX k PXAT 1700000005000",
            "RESTORE k 1700000000000 p ABSTTL   | RESTORE k 1700000005000 p ABSTTL",
            "RESTORE k 0 p REPLACE              | RESTORE k 0 p REPLACE",
            "SET k v                            | SET k v",
            "SET k v KEEPTTL                    | SET k v KEEPTTL",
            "GETEX k PERSIST                    | GETEX k PERSIST",
            "INCR k                             | INCR k",
    })
    void extends_(String command, String expected) {
        assertEquals(expected, join(TtlExtension.apply(split(command), 5000)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"PEXPIREAT k 1700000000000", "SET k v EX 2", "EXPIRE k 10"})
    void zeroChangesNothing(String command) {
        assertEquals(command, join(TtlExtension.apply(split(command), 0)));
    }

    private static byte[][] split(String s) {
        String[] parts = s.trim().split(" +");
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) out[i] = parts[i].getBytes(StandardCharsets.US_ASCII);
        return out;
    }

    private static String join(byte[][] args) {
        StringBuilder b = new StringBuilder();
        for (byte[] a : args) b.append(b.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.US_ASCII));
        return b.toString();
    }
}
