namespace Migration.Guidance.Answers;

/// <summary>A figure an answer is based on: label, display form in the answer's wording, raw value and unit.</summary>
public sealed record GuidanceFigure(string Label, string Display, double Value, string Unit);
