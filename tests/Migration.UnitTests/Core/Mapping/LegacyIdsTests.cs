using Migration.Core.Mapping;

namespace Migration.UnitTests.Core.Mapping;

public sealed class LegacyIdsTests
{
    [Fact]
    public void NameBased_RfcExample_MatchesTheVersion5Uuid()
    {
        // RFC 9562, appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), LegacyIds.NameBased(dns, "www.example.com"));
    }

    [Fact]
    public void NewId_SameEntityAndLegacyId_IsTheSameWhateverTheValuesType()
    {
        var expected = LegacyIds.NameBased(LegacyIds.Namespace, "customer/42");
        Assert.Equal(expected, LegacyIds.NewId("customer", "42"));
        Assert.Equal(expected, LegacyIds.NewId("customer", 42L));
        Assert.Equal(expected, LegacyIds.NewId("customer", (object)42));
        Assert.Equal(expected, LegacyIds.NewId("customer", (object)(short)42));
        Assert.NotEqual(expected, LegacyIds.NewId("order", 42L));
        Assert.NotEqual(expected, LegacyIds.NewId("customer", 43L));
        Assert.Equal(5, expected.Version);
    }
}
