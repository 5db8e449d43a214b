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
        float[] x;
        if (Checks.datatypeOrText(spec, t.getDatatype(), id)) {
            Checks.textShape(t.getShapeList(), id);
            x = Checks.text(spec, text(msg, id), id);
        } else if (msg.getRawInputContentsCount() > 0) {
            Checks.shape(spec, t.getShapeList(), id);
            x = raw(spec, msg, id);
        } else {
            Checks.shape(spec, t.getShapeList(), id);
            Checks.length(spec, t.getContents().getFp32ContentsCount(), id);
            x = new float[spec.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = t.getContents().getFp32Contents(i);
            }
        }
        Checks.finite(x, id);
        return new InferenceRequest(id, task, x, Encoding.PROTOBUF, replyTo);
    }

    /**
     * The one text of a BYTES input: bytes_contents[0], or raw_input_contents[0] in OIP's raw BYTES layout (a
     * 4-byte little-endian length, then the bytes); UTF-8 either way.
     */
    private static String text(ModelInferRequest msg, String id) {
        ModelInferRequest.InferInputTensor t = msg.getInputs(0);
        ByteString bytes;
        if (msg.getRawInputContentsCount() > 0) {
            ByteString raw = msg.getRawInputContents(0);
            if (msg.getRawInputContentsCount() != 1 || t.getContents().getBytesContentsCount() > 0 || raw.size() < 4) {
                throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": give the text either as 1 "
                        + "bytes_contents entry or as 1 raw_input_contents entry (4-byte length + bytes)");
            }
            int len = raw.substring(0, 4).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (len < 0 || len != raw.size() - 4) {
                throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": raw BYTES input says " + len
                        + " bytes but carries " + (raw.size() - 4));
            }
            bytes = raw.substring(4);
        } else if (t.getContents().getBytesContentsCount() == 1) {
            bytes = t.getContents().getBytesContents(0);
        } else {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": a BYTES input holds one text, got "
                    + t.getContents().getBytesContentsCount() + " bytes_contents entries");
        }
        if (!bytes.isValidUtf8()) {
            throw new BadRequestException(Problem.WRONG_DATATYPE, "request " + id + ": the BYTES input is not UTF-8");
        }
        return bytes.toStringUtf8();
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
