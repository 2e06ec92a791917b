package io.redismigrate.connector.resp;

import java.io.IOException;

/** The peer sent bytes that are not valid RESP. */
public class RespProtocolException extends IOException {
    public RespProtocolException(String message) { super(message); }
}
