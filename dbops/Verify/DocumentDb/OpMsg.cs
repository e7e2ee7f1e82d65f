using System.Buffers.Binary;

namespace Dbops.Verify.DocumentDb;

/// <summary>
/// MongoDB wire protocol OP_MSG (opcode 2013), which DocumentDB speaks: a 16-byte header,
/// flag bits, and a body section (kind 0) holding one BSON command or reply. Document
/// sequences (kind 1) are not sent by the verifier; in replies they are skipped.
/// </summary>
public static class OpMsg
{
    public const int OpCode = 2013;
    public const int HeaderLength = 16;

    /// <summary>Largest message accepted (MongoDB's default maxMessageSizeBytes).</summary>
    public const int MaxMessageLength = 48_000_000;

    private const uint ChecksumPresent = 1;

    public static byte[] Encode(int requestId, int responseTo, byte[] bsonBody)
    {
        var length = HeaderLength + 4 + 1 + bsonBody.Length;
        var msg = new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(0), length);
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(12), OpCode);
        BinaryPrimitives.WriteUInt32LittleEndian(msg.AsSpan(16), 0);
        msg[20] = 0;
        bsonBody.CopyTo(msg, 21);
        return msg;
    }

    public sealed record Message(int RequestId, int ResponseTo, List<KeyValuePair<string, object?>> Body);

    public static async Task<Message> ReadAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[HeaderLength];
        await stream.ReadExactlyAsync(header, ct);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (length < HeaderLength + 5 || length > MaxMessageLength) throw new FormatException($"message length {length} out of range");
        if (opCode != OpCode) throw new FormatException($"expected OP_MSG (2013), got opcode {opCode}");
        var rest = new byte[length - HeaderLength];
        await stream.ReadExactlyAsync(rest, ct);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        var end = rest.Length - ((flags & ChecksumPresent) != 0 ? 4 : 0);
        List<KeyValuePair<string, object?>>? body = null;
        var pos = 4;
        while (pos < end)
        {
            var kind = rest[pos++];
            if (kind == 0)
            {
                var (doc, n) = Bson.Read(rest.AsSpan(0, end), pos);
                body = doc;
                pos += n;
            }
            else if (kind == 1)
            {
                if (end - pos < 4) throw new FormatException("document sequence truncated");
                var size = BinaryPrimitives.ReadInt32LittleEndian(rest.AsSpan(pos));
                if (size < 4 || size > end - pos) throw new FormatException($"document sequence size {size} out of range");
                pos += size;
            }
            else
            {
                throw new FormatException($"unknown OP_MSG section kind {kind}");
            }
        }
        return new Message(
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)),
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)),
            body ?? throw new FormatException("OP_MSG without a body section"));
    }
}
