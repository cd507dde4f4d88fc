namespace Osprey.Training.Distributed;

/// <summary>
/// How this node's ranks ended: every exit code by local rank, and the first rank that failed (global and local), if
/// any, with a sentence naming it.
/// </summary>
public sealed record LaunchOutcome(IReadOnlyList<int> ExitCodes, int? FailedRank, int? FailedLocalRank, string? Failure)
{
    /// <summary>0 when every rank succeeded, else the first failed rank's code (the launcher's own exit code).</summary>
    public int ExitCode => FailedLocalRank is { } local ? ExitCodes[local] : 0;
}
