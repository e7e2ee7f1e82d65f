using System.Text;
using Dbops.Verify.Net;
using Dbops.Verify.Redis;

namespace Dbops.Tests.Verify;

public class RespProtocolTests
{
    private static Task<RespValue> Parse(string wire) =>
        RespProtocol.ReadAsync(new BufferedReader(new MemoryStream(Encoding.UTF8.GetBytes(wire))), CancellationToken.None);

    [Fact]
    public void Commands_are_arrays_of_bulk_strings_with_byte_lengths()
    {
        var wire = Encoding.UTF8.GetString(RespProtocol.EncodeCommand("AUTH", "pässword"));

        Assert.Equal("*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n", wire);
    }

    [Fact]
    public async Task Reads_every_reply_type()
    {
        Assert.Equal(new RespValue(RespKind.SimpleString, "PONG"), await Parse("+PONG\r\n"));
        Assert.Equal("NOAUTH", (await Parse("-NOAUTH Authentication required.\r\n")).ErrorCode);
        Assert.Equal(-42, (await Parse(":-42\r\n")).Integer);
        Assert.Equal("a\r\nb", (await Parse("$4\r\na\r\nb\r\n")).Text);
        Assert.Equal(RespKind.Null, (await Parse("$-1\r\n")).Kind);
        Assert.Equal(RespKind.Null, (await Parse("*-1\r\n")).Kind);
    }

    [Fact]
    public async Task Reads_nested_arrays_as_role_returns_them()
    {
        var role = await Parse("*3\r\n$6\r\nmaster\r\n:3129659\r\n*1\r\n*3\r\n$9\r\n127.0.0.2\r\n$4\r\n6379\r\n$7\r\n3129242\r\n");

        Assert.Equal("master", role.Items![0].Text);
        Assert.Equal(3129659, role.Items[1].Integer);
        Assert.Equal("127.0.0.2", role.Items[2].Items![0].Items![0].Text);
    }

    [Fact]
    public async Task A_reply_split_across_reads_is_reassembled()
    {
        var stream = new TrickleStream(Encoding.UTF8.GetBytes("$11\r\nhello world\r\n"));

        var value = await RespProtocol.ReadAsync(new BufferedReader(stream), CancellationToken.None);

        Assert.Equal("hello world", value.Text);
    }

    [Theory]
    [InlineData("\x16\x03\x01\x00\x05hello\n", "not a RESP reply")]
    [InlineData("$99999999999\r\n", "out of range")]
    [InlineData(":12x\r\n", "malformed RESP integer")]
    [InlineData("$3\r\nabcXY", "not terminated by CRLF")]
    public async Task Malformed_replies_are_refused(string wire, string why)
    {
        var e = await Assert.ThrowsAsync<FormatException>(() => Parse(wire));

        Assert.Contains(why, e.Message);
    }

    [Fact]
    public async Task A_closed_connection_mid_reply_is_an_end_of_stream()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(() => Parse("$10\r\nabc"));
    }

    [Fact]
    public void Info_replication_is_parsed_into_fields()
    {
        var info = RedisReplicationCheck.Parse("# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=127.0.0.2,port=6379,state=online,offset=42,lag=0\r\n");

        Assert.Equal("master", info["role"]);
        Assert.Equal("ip=127.0.0.2,port=6379,state=online,offset=42,lag=0", info["slave0"]);
    }

    /// <summary>Returns one byte per read, as a slow network might.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
