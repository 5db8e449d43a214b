package dev.twin.core.device;

/** A GPU was asked for ({@code cuda:N}) and is not there: the service refuses to start with this message. */
public final class DeviceUnavailableException extends IllegalStateException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
