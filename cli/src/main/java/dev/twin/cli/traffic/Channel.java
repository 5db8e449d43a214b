package dev.twin.cli.traffic;

/** How a request reaches the router: a record on the requests topic, or a synchronous OIP gRPC call. */
public enum Channel {
    KAFKA, GRPC
}
