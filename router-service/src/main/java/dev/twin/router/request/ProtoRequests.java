package dev.twin.router.request;

import dev.twin.proto.tensor.Fp32;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.routed.Encoding;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Parses and validates an OIP {@code ModelInferRequest} (protobuf). {@code raw_input_contents} is the preferred
 * form: its bytes already are the little-endian float32 block the routed batch carries, so they are only checked
 * (length, finiteness), never copied; a Kafka record is parsed with aliasing so that the block stays a view of the
 * record's value.
 */
final class ProtoRequests {
    private ProtoRequests() {
    }

    static InferenceRequest parse(RequestSpec spec, byte[] body, String replyTo) {
        Checks.size(spec, body.length);
        ModelInferRequest msg;
        try {
            // bytes fields alias the record's value: the raw contents are not copied (the value is never written)
            CodedInputStream in = CodedInputStream.newInstance(body);
            in.enableAliasing(true);
            msg = ModelInferRequest.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRequestException(Problem.NOT_PROTOBUF, "body is not a protobuf ModelInferRequest: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new BadRequestException(Problem.NOT_PROTOBUF, "body is not a protobuf ModelInferRequest: "
                    + e.getMessage());
        }
        return validate(spec, msg, replyTo, true);
    }

    static InferenceRequest validate(RequestSpec spec, ModelInferRequest msg, String replyTo, boolean idRequired) {
        Checks.size(spec, msg.getSerializedSize());
        String id = Checks.id(msg.getId(), idRequired);
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
        if (Checks.datatypeOrText(spec, t.getDatatype(), id)) {
            Checks.textShape(t.getShapeList(), id);
            float[] x = Checks.text(spec, text(msg, id), id);
            Checks.finite(x, id);
            return new InferenceRequest(id, task, 1, Fp32.encode(x), Encoding.PROTOBUF, replyTo);
        }
        int rows = Checks.rows(spec, t.getShapeList(), id);
        ByteString block;
        if (msg.getRawInputContentsCount() > 0) {
            block = raw(spec, msg, rows, id);
            Checks.finite(block, id);
        } else {
            Checks.length(spec, t.getContents().getFp32ContentsCount(), rows, id);
            float[] x = new float[t.getContents().getFp32ContentsCount()];
            for (int i = 0; i < x.length; i++) {
                x[i] = t.getContents().getFp32Contents(i);
            }
            Checks.finite(x, id);
            block = Fp32.encode(x);
        }
        return new InferenceRequest(id, task, rows, block, Encoding.PROTOBUF, replyTo);
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

    /** raw_input_contents[0]: little-endian FP32, 4 bytes per value, rows × input size of them (kept as is). */
    private static ByteString raw(RequestSpec spec, ModelInferRequest msg, int rows, String id) {
        if (msg.getRawInputContentsCount() != 1 || msg.getInputs(0).getContents().getFp32ContentsCount() > 0) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id
                    + ": give the input either as 1 raw_input_contents entry or as fp32_contents, not both");
        }
        ByteString raw = msg.getRawInputContents(0);
        if (raw.size() % Float.BYTES != 0) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": raw input of " + raw.size()
                    + " bytes is not a whole number of FP32 values");
        }
        Checks.length(spec, raw.size() / Float.BYTES, rows, id);
        return raw;
    }
}
