package io.redismigrate.connector.resp;

/** An error reply from Redis ("-ERR …", "-NOAUTH …"). */
public final class RespError {
    private final String message;

    public RespError(String message) {
        this.message = message;
    }

    public String message() { return message; }

    /** The error code: the first word ("ERR", "NOAUTH", "WRONGPASS", "NOPERM", "OOM", …). */
    public String code() {
        int sp = message.indexOf(' ');
        return sp < 0 ? message : message.substring(0, sp);
    }

    @Override public String toString() { return message; }
}
