package dev.twin.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.twin.proto.executor.TwinExecutorProto;
import dev.twin.proto.inference.GrpcPredictV2;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The OIP messages encode to the bytes the specification's field numbers give (hand-assembled here), and the services
 * carry the fully-qualified names clients call.
 */
class WireFormatTest {

    @Test
    void inferRequestUsesTheSpecificationsFieldNumbers() {
        ModelInferRequest req = ModelInferRequest.newBuilder()
                .setModelName("m").setId("7")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                        .addShape(1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
                .build();
        byte[] expected = {
            0x0A, 1, 'm',             // 1: model_name
            0x1A, 1, '7',             // 3: id
            0x2A, 20,                 // 5: inputs, 20 bytes
            0x0A, 1, 'x',             //   1: name
            0x12, 4, 'F', 'P', '3', '2', // 2: datatype
            0x1A, 1, 1,               //   3: shape, packed [1]
            0x2A, 6,                  //   5: contents
            0x32, 4, 0, 0, (byte) 0x80, 0x3F, // 6: fp32_contents packed [1.0f]
        };
        assertArrayEquals(expected, req.toByteArray());
    }

    @Test
    void responseAndParameterFieldNumbers() {
        ModelInferResponse resp = ModelInferResponse.newBuilder().setId("a")
                .putParameters("t", InferParameter.newBuilder().setStringParam("b").build())
                .addRawOutputContents(com.google.protobuf.ByteString.copyFrom(new byte[] {9}))
                .build();
        byte[] expected = {
            0x1A, 1, 'a',             // 3: id
            0x22, 8,                  // 4: parameters map entry, 8 bytes
            0x0A, 1, 't',             //   key
            0x12, 3, 0x1A, 1, 'b',    //   value: InferParameter{3: string_param}
            0x32, 1, 9,               // 6: raw_output_contents
        };
        assertArrayEquals(expected, resp.toByteArray());
        assertEquals(List.of(1, 2, 3, 4, 5), InferParameter.getDescriptor().getFields().stream()
                .map(f -> f.getNumber()).toList());
        assertEquals(List.of("bool_param", "int64_param", "string_param", "double_param", "uint64_param"),
                InferParameter.getDescriptor().getFields().stream().map(f -> f.getName()).toList());
    }

    @Test
    void servicesHaveTheNamesClientsCall() {
        ServiceDescriptor oip = GrpcPredictV2.getDescriptor().findServiceByName("GRPCInferenceService");
        assertEquals("inference.GRPCInferenceService", oip.getFullName());
        assertEquals(List.of("ServerLive", "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata",
                "ModelInfer"), oip.getMethods().stream().map(m -> m.getName()).toList());
        ServiceDescriptor exec = TwinExecutorProto.getDescriptor().findServiceByName("Executor");
        assertEquals("twin.executor.Executor", exec.getFullName());
        assertEquals(true, exec.findMethodByName("Install").isClientStreaming());
    }
}
