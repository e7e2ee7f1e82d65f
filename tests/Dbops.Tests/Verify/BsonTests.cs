using Dbops.Verify.DocumentDb;

namespace Dbops.Tests.Verify;

public class BsonTests
{
    [Fact]
    public void The_hello_command_encodes_as_the_bson_spec_says()
    {
        var bytes = Bson.Write([new("hello", 1), new("$db", "admin")]);

        // int32 length, 0x10 "hello" int32 1, 0x02 "$db" string "admin", terminator.
        Assert.Equal(
            Convert.FromHexString("1F000000" + "1068656C6C6F0001000000" + "022464620006000000" + "61646D696E00" + "00"),
            bytes);
    }

    [Fact]
    public void Documents_round_trip_with_nested_documents_and_arrays()
    {
        var doc = FakeDocumentDb.Doc(("ok", 1.0), ("n", 7L), ("flag", false), ("none", null),
            ("hosts", new object?[] { "a:1", "b:2" }), ("inner", FakeDocumentDb.Doc(("x", 3))));

        var (read, length) = Bson.Read(Bson.Write(doc));

        Assert.Equal(Bson.Write(doc).Length, length);
        Assert.Equal(1.0, read.Get("ok"));
        Assert.Equal(7L, read.Get("n"));
        Assert.Equal(false, read.Get("flag"));
        Assert.Null(read.Get("none"));
        Assert.Equal(new object?[] { "a:1", "b:2" }, read.Get("hosts"));
        Assert.Equal(3, ((List<KeyValuePair<string, object?>>)read.Get("inner")!).Get("x"));
    }

    [Fact]
    public void Object_ids_dates_and_timestamps_in_replies_are_read()
    {
        // { _id: ObjectId, t: Date(1000), ts: Timestamp }
        var hex = "2D000000" + "07" + "5F696400" + "0102030405060708090A0B0C" + "09" + "7400" + "E803000000000000"
                  + "11" + "747300" + "0100000002000000" + "00";
        var (doc, _) = Bson.Read(Convert.FromHexString(hex));

        Assert.Equal("0102030405060708090a0b0c", doc.Get("_id"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1000), doc.Get("t"));
        Assert.Equal(0x0000000200000001UL, doc.Get("ts"));
    }

    [Theory]
    [InlineData("05000000", "truncated")]
    [InlineData("FF00000000", "does not fit")]
    [InlineData("10000000" + "0261000500000061626300" + "00", "runs past the end")]
    [InlineData("08000000" + "FF610000", "not supported")]
    public void Malformed_documents_are_refused(string hex, string why)
    {
        var e = Assert.Throws<FormatException>(() => Bson.Read(Convert.FromHexString(hex)));

        Assert.Contains(why, e.Message);
    }

    [Fact]
    public async Task Op_msg_frames_round_trip_and_wrong_opcodes_are_refused()
    {
        var frame = OpMsg.Encode(7, 0, Bson.Write([new("ping", 1)]));

        var msg = await OpMsg.ReadAsync(new MemoryStream(frame), CancellationToken.None);
        Assert.Equal(7, msg.RequestId);
        Assert.Equal("ping", msg.Body[0].Key);

        frame[12] = 0xD4; // opcode 2004, OP_QUERY
        frame[13] = 0x07;
        var e = await Assert.ThrowsAsync<FormatException>(() => OpMsg.ReadAsync(new MemoryStream(frame), CancellationToken.None));
        Assert.Contains("expected OP_MSG (2013), got opcode 2004", e.Message);
    }
}
