namespace Migration.Guidance.Language;

/// <summary>What a message asks for.</summary>
public enum Intent
{
    Unknown,
    Greeting,
    Help,
    Status,
    TableStatus,
    Eta,
    WhySlow,
    WhatIfWrong,
    Glossary,
    Plan,
    Next,
    Problems,
    Pause,
    Resume,
    Approve,
    Rollback,
    Cancel,
    Confirm,
    Decline,
    PendingDecisions,
    AnswerDecision,
    History,
    ChangesSince,
    Mapping,
    DataSafe,
}
