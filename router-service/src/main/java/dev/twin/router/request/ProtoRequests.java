package dev.twin.router.request;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.routed.Encoding;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Parses and validates an OIP {@code ModelInferRequest} (protobuf). */
final class ProtoRequests {
    private ProtoRequests() {
    }

    static InferenceRequest parse(RequestSpec spec, byte[] body, String replyTo) {
        Checks.size(spec, body.length);
        ModelInferRequest msg;
        try {
            msg = ModelInferRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRequestException(Problem.NOT_PROTOBUF, "body is not a protobuf ModelInferRequest: "
                    + e.getMessage());
        }
        return validate(spec, msg, replyTo);
    }

    static InferenceRequest validate(RequestSpec spec, ModelInferRequest msg, String replyTo) {
        Checks.size(spec, msg.getSerializedSize());
        String id = Checks.id(msg.getId());
        Checks.model(spec, msg.getModelName(), id);
        InferParameter taskParam = msg.getParametersMap().get("task");
        if (taskParam != null
                && taskParam.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM) {
            throw new BadRequestException(Problem.UNKNOWN_TASK, "request " + id
                    + ": parameter 'task' must be a string, got " + taskParam.getParameterChoiceCase());
        }
        String task = Checks.task(spec, taskParam == null ? null : taskParam.getStringParam(), id);
        Checks.inputCount(msg.getInputsCount(), id);
        ModelInferRequest.InferInputTensor t = msg.getInputs(0);
        Checks.datatype(t.getDatatype(), id);
        Checks.shape(spec, t.getShapeList(), id);
        float[] x;
        if (msg.getRawInputContentsCount() > 0) {
            x = raw(spec, msg, id);
        } else {
            Checks.length(spec, t.getContents().getFp32ContentsCount(), id);
            x = new float[spec.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = t.getContents().getFp32Contents(i);
            }
        }
        Checks.finite(x, id);
        return new InferenceRequest(id, task, x, Encoding.PROTOBUF, replyTo);
    }

    /** raw_input_contents[0]: little-endian FP32, 4 bytes per value. */
    private static float[] raw(RequestSpec spec, ModelInferRequest msg, String id) {
        if (msg.getRawInputContentsCount() != 1 || msg.getInputs(0).getContents().getFp32ContentsCount() > 0) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id
                    + ": give the input either as 1 raw_input_contents entry or as fp32_contents, not both");
        }
        ByteString raw = msg.getRawInputContents(0);
        if (raw.size() % Float.BYTES != 0) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": raw input of " + raw.size()
                    + " bytes is not a whole number of FP32 values");
        }
        Checks.length(spec, raw.size() / Float.BYTES, id);
        FloatBuffer fb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] x = new float[spec.inputSize()];
        fb.get(x);
        return x;
    }
}
