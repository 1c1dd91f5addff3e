using System.Security.Cryptography;
using Migration.Core.Security;

namespace Migration.Server.Tests.Security;

/// <summary>AES-256-GCM encryption at rest of row payloads, with key rotation.</summary>
public sealed class PayloadProtectorTests
{
    private static readonly byte[] OldKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] NewKey = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Protect_RoundTrip_CiphertextHidesThePayloadAndDiffersEachTime()
    {
        var protector = new PayloadProtector(new Dictionary<string, byte[]> { ["k1"] = OldKey }, "k1");
        const string row = "{\"id\":7,\"card\":\"4111 1111 1111 1111\"}";

        var first = protector.Protect(row, "mig-1/public.payments");
        var second = protector.Protect(row, "mig-1/public.payments");

        Assert.StartsWith("enc:v1:k1:", first, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(row, protector.Unprotect(first, "mig-1/public.payments"));
    }

    [Fact]
    public void Unprotect_OtherContextOrTampered_Refused()
    {
        var protector = new PayloadProtector(new Dictionary<string, byte[]> { ["k1"] = OldKey }, "k1");
        var value = protector.Protect("secret row", "mig-1/a");
        var bytes = Convert.FromBase64String(value["enc:v1:k1:".Length..]);
        bytes[^1] ^= 0x01;
        var tampered = "enc:v1:k1:" + Convert.ToBase64String(bytes);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(value, "mig-1/b"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "mig-1/a"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("plain text", "mig-1/a"));
    }

    [Fact]
    public void Rotation_NewActiveKey_ReadsOldPayloadsAndRewrapsThem()
    {
        var before = new PayloadProtector(new Dictionary<string, byte[]> { ["2026-01"] = OldKey }, "2026-01");
        var old = before.Protect("row", "ctx");
        var after = new PayloadProtector(new Dictionary<string, byte[]> { ["2026-01"] = OldKey, ["2026-04"] = NewKey }, "2026-04");
        var retired = new PayloadProtector(new Dictionary<string, byte[]> { ["2026-04"] = NewKey }, "2026-04");

        var rewrapped = after.Rewrap(old, "ctx");

        Assert.Equal("row", after.Unprotect(old, "ctx"));
        Assert.Equal("2026-04", PayloadProtector.KeyIdOf(rewrapped));
        Assert.Equal("row", retired.Unprotect(rewrapped, "ctx"));
        var error = Assert.ThrowsAny<CryptographicException>(() => retired.Unprotect(old, "ctx"));
        Assert.Contains("2026-01", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c2hvcnQ=", "k1")]
    [InlineData("not base64!", "k1")]
    [InlineData(null, "missing")]
    public void Configuration_BadKeyOrActiveKey_Refused(string? key, string active)
    {
        var keys = new Dictionary<string, string> { ["k1"] = key ?? Convert.ToBase64String(OldKey) };

        Assert.Throws<ArgumentException>(() => PayloadProtector.FromBase64(keys, active));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024 * 1024)]
    [InlineData(1024 * 1024 + 1)]
    [InlineData(3 * 1024 * 1024 - 7)]
    public async Task ProtectStream_RoundTripAtChunkBoundaries_SameBytesAndHidden(int length)
    {
        var protector = new PayloadProtector(new Dictionary<string, byte[]> { ["k1"] = OldKey }, "k1");
        var plain = new byte[length];
        new Random(length).NextBytes(plain);
        "PLAINTEXT-MARKER"u8.ToArray().AsSpan(0, Math.Min(16, length)).CopyTo(plain);

        var encrypted = await ProtectAsync(protector, plain, "backup:b1");
        var decrypted = new MemoryStream();
        await protector.UnprotectStreamAsync(new MemoryStream(encrypted), decrypted, "backup:b1");

        Assert.Equal(plain, decrypted.ToArray());
        if (length >= 16)
        {
            Assert.Equal(-1, encrypted.AsSpan().IndexOf("PLAINTEXT-MARKER"u8));
        }
    }

    [Fact]
    public async Task UnprotectStream_OtherContextKeyTamperedOrCut_Refused()
    {
        var protector = new PayloadProtector(new Dictionary<string, byte[]> { ["k1"] = OldKey }, "k1");
        var other = new PayloadProtector(new Dictionary<string, byte[]> { ["k2"] = NewKey }, "k2");
        var encrypted = await ProtectAsync(protector, new byte[2 * 1024 * 1024 + 100], "backup:b1");
        var flipped = encrypted.ToArray();
        flipped[flipped.Length / 2] ^= 0x01;
        // Cut after the first chunk: what is left is a whole, valid chunk, but not one flagged last.
        var firstChunkEnd = 6 + 1 + 2 + 5 + 12 + 16 + 1024 * 1024;

        async Task Refused(PayloadProtector reader, byte[] bytes, string context) =>
            await Assert.ThrowsAnyAsync<CryptographicException>(() => reader.UnprotectStreamAsync(new MemoryStream(bytes), Stream.Null, context));

        await Refused(protector, encrypted, "backup:b2");
        await Refused(other, encrypted, "backup:b1");
        await Refused(protector, flipped, "backup:b1");
        await Refused(protector, encrypted[..firstChunkEnd], "backup:b1");
        await Refused(protector, encrypted[..^1], "backup:b1");
        await Refused(protector, "not an archive"u8.ToArray(), "backup:b1");
    }

    private static async Task<byte[]> ProtectAsync(PayloadProtector protector, byte[] plain, string context)
    {
        var output = new MemoryStream();
        await protector.ProtectStreamAsync(new MemoryStream(plain), output, context);
        return output.ToArray();
    }
}
