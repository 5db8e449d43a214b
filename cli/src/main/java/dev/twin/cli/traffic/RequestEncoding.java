package dev.twin.cli.traffic;

/**
 * How Kafka requests are encoded (DESIGN.md allows both): an OIP {@code ModelInferRequest} with the input as
 * {@code raw_input_contents} (little-endian FP32, the default: no number formatting or parsing on either side), or
 * the OIP REST JSON body.
 */
public enum RequestEncoding {
    PROTOBUF(OipMessages.PROTOBUF), JSON(OipMessages.JSON);

    private final String contentType;

    RequestEncoding(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
