namespace Migration.Core.Planning;

public sealed record DecisionOption(string Id, string Title, string Description, string Risk, bool Recommended);
