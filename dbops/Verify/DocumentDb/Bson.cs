using System.Buffers.Binary;
using System.Text;

namespace Dbops.Verify.DocumentDb;

/// <summary>
/// The slice of BSON the verifier needs: writes documents of strings, numbers, booleans and
/// nested documents; reads any reply a MongoDB-compatible server sends to <c>hello</c>,
/// keeping the types it understands and representing the rest (ObjectId, timestamps,
/// binary) in a form good enough for reports. Documents are ordered, as BSON commands must be.
/// </summary>
public static class Bson
{
    public static byte[] Write(IEnumerable<KeyValuePair<string, object?>> document)
    {
        using var ms = new MemoryStream();
        WriteDocument(ms, document);
        return ms.ToArray();
    }

    private static void WriteDocument(MemoryStream ms, IEnumerable<KeyValuePair<string, object?>> document)
    {
        var start = ms.Position;
        ms.Write(new byte[4]);
        foreach (var (key, value) in document) WriteElement(ms, key, value);
        ms.WriteByte(0);
        var length = (int)(ms.Position - start);
        var end = ms.Position;
        ms.Position = start;
        ms.Write(Int32(length));
        ms.Position = end;
    }

    private static void WriteElement(MemoryStream ms, string key, object? value)
    {
        switch (value)
        {
            case double d: Header(ms, 0x01, key); ms.Write(BitConverter.GetBytes(d)); break;
            case string s:
                Header(ms, 0x02, key);
                var bytes = Encoding.UTF8.GetBytes(s);
                ms.Write(Int32(bytes.Length + 1));
                ms.Write(bytes);
                ms.WriteByte(0);
                break;
            case IEnumerable<KeyValuePair<string, object?>> doc: Header(ms, 0x03, key); WriteDocument(ms, doc); break;
            case object?[] array:
                Header(ms, 0x04, key);
                WriteDocument(ms, array.Select((v, i) => new KeyValuePair<string, object?>(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)));
                break;
            case bool b: Header(ms, 0x08, key); ms.WriteByte(b ? (byte)1 : (byte)0); break;
            case null: Header(ms, 0x0A, key); break;
            case int i: Header(ms, 0x10, key); ms.Write(Int32(i)); break;
            case long l: Header(ms, 0x12, key); ms.Write(BitConverter.GetBytes(l)); break;
            default: throw new ArgumentException($"BSON writer does not support {value.GetType().Name} (key {key})");
        }
    }

    private static void Header(MemoryStream ms, byte type, string key)
    {
        ms.WriteByte(type);
        ms.Write(Encoding.UTF8.GetBytes(key));
        ms.WriteByte(0);
    }

    private static byte[] Int32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        return b;
    }

    /// <summary>Reads one document starting at <paramref name="offset"/>; returns it and the bytes it took.</summary>
    public static (List<KeyValuePair<string, object?>> Document, int Length) Read(ReadOnlySpan<byte> data, int offset = 0)
    {
        if (data.Length - offset < 5) throw new FormatException("BSON document truncated");
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        if (length < 5 || length > data.Length - offset) throw new FormatException($"BSON document length {length} does not fit the {data.Length - offset} bytes left");
        var doc = data.Slice(offset, length);
        if (doc[^1] != 0) throw new FormatException("BSON document not terminated");
        var result = new List<KeyValuePair<string, object?>>();
        var pos = 4;
        while (doc[pos] != 0)
        {
            var type = doc[pos++];
            var key = CString(doc, ref pos);
            result.Add(new(key, ReadValue(doc, type, ref pos, key)));
        }
        return (result, length);
    }

    private static object? ReadValue(ReadOnlySpan<byte> doc, byte type, ref int pos, string key)
    {
        switch (type)
        {
            case 0x01: { var v = BitConverter.ToDouble(Take(doc, ref pos, 8)); return v; }
            case 0x02:
            {
                var n = BinaryPrimitives.ReadInt32LittleEndian(Take(doc, ref pos, 4));
                if (n < 1) throw new FormatException($"BSON string length {n} (key {key})");
                var s = Encoding.UTF8.GetString(Take(doc, ref pos, n)[..^1]);
                return s;
            }
            case 0x03:
            case 0x04:
            {
                var (sub, length) = Read(doc, pos);
                pos += length;
                return type == 0x03 ? sub : sub.Select(kv => kv.Value).ToArray();
            }
            case 0x05:
            {
                var n = BinaryPrimitives.ReadInt32LittleEndian(Take(doc, ref pos, 4));
                if (n < 0) throw new FormatException($"BSON binary length {n} (key {key})");
                Take(doc, ref pos, 1);
                return Take(doc, ref pos, n).ToArray();
            }
            case 0x07: return Convert.ToHexStringLower(Take(doc, ref pos, 12));
            case 0x08: return Take(doc, ref pos, 1)[0] != 0;
            case 0x09: return DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(Take(doc, ref pos, 8)));
            case 0x0A: return null;
            case 0x10: return BinaryPrimitives.ReadInt32LittleEndian(Take(doc, ref pos, 4));
            case 0x11: return BinaryPrimitives.ReadUInt64LittleEndian(Take(doc, ref pos, 8));
            case 0x12: return BinaryPrimitives.ReadInt64LittleEndian(Take(doc, ref pos, 8));
            case 0x13: return Take(doc, ref pos, 16).ToArray();
            default: throw new FormatException($"BSON type 0x{type:x2} not supported (key {key})");
        }
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> doc, ref int pos, int n)
    {
        // The last byte of a document is its terminator, never part of a value.
        if (n < 0 || pos + n > doc.Length - 1) throw new FormatException("BSON value runs past the end of its document");
        var s = doc.Slice(pos, n);
        pos += n;
        return s;
    }

    private static string CString(ReadOnlySpan<byte> doc, ref int pos)
    {
        var end = doc[pos..].IndexOf((byte)0);
        if (end < 0) throw new FormatException("BSON key not terminated");
        var s = Encoding.UTF8.GetString(doc.Slice(pos, end));
        pos += end + 1;
        return s;
    }

    /// <summary>The value of a key in a read document, or null.</summary>
    public static object? Get(this List<KeyValuePair<string, object?>> doc, string key) =>
        doc.FirstOrDefault(kv => kv.Key == key).Value;
}
