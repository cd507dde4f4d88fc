namespace Osprey.Torch.Distributed;

/// <summary>
/// A collective or the rendezvous failed: a peer left or was killed, the timeout passed, or the ranks disagreed. The
/// group is unusable afterwards; the process should stop (its last checkpoint is intact).
/// </summary>
public sealed class DistributedException(string message) : Exception(message);
