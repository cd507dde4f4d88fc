namespace Osprey.Training;

/// <summary>
/// An evaluator whose accumulated state can be written out and appended to another's, so the ranks of a
/// data-parallel run each validate a <see cref="Osprey.Data.BatchShard"/> and merge into the numbers of one pass over
/// everything: a fresh evaluator that appends every rank's state in rank order holds what a single process holds after
/// all the batches (counts summed, per-image records in the single process's order).
/// </summary>
public interface IMergeableEvaluator
{
    void WriteState(BinaryWriter writer);

    /// <summary>Adds a state <see cref="WriteState"/> wrote (an evaluator of the same classes) after this one's.</summary>
    void AppendState(BinaryReader reader);
}

/// <summary>An evaluator's state as bytes, for a collective.</summary>
public static class EvaluatorState
{
    public static byte[] ToBytes(this IMergeableEvaluator evaluator)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) evaluator.WriteState(w);
        return stream.ToArray();
    }

    /// <summary>Appends a state from its bytes; all of them must be read.</summary>
    public static void AppendBytes(this IMergeableEvaluator evaluator, byte[] state)
    {
        using var r = new BinaryReader(new MemoryStream(state));
        evaluator.AppendState(r);
        if (r.BaseStream.Position != state.Length)
            throw new InvalidDataException($"evaluator state: {state.Length - r.BaseStream.Position} of {state.Length} bytes left unread by {evaluator.GetType().Name}");
    }
}
