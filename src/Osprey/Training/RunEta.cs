namespace Osprey.Training;

/// <summary>
/// The time left in a whole run: the training batches of every remaining epoch and each epoch's validation (with its
/// checkpoint writing; <paramref name="validationImages"/> 0 when the run does not validate). A training batch costs the run's measured mean so far; a validation costs the last measured
/// one, and before the first is measured, its images at three times the training throughput (a forward pass without
/// the backward is about a third of a training step).
/// </summary>
public sealed class RunEta(long validationImages)
{
    double finishedEpochsTrainSeconds;
    int finishedEpochsBatches;
    double? validationSeconds;

    /// <summary>Call once an epoch's training batches are done (before its validation), with that epoch's training time.</summary>
    public void TrainingEnded(int batches, TimeSpan trainTime)
    {
        finishedEpochsBatches += batches;
        finishedEpochsTrainSeconds += trainTime.TotalSeconds;
    }

    /// <summary>Call with each validation's measured time (from its start to the end of its epoch).</summary>
    public void ValidationTook(TimeSpan time) => validationSeconds = time.TotalSeconds;

    /// <summary>The run's remaining time after <paramref name="p"/>; zero batches done gives no estimate (null).</summary>
    public TimeSpan? Remaining(BatchProgress p)
    {
        int batchesDone = finishedEpochsBatches + p.Batch;
        if (batchesDone == 0) return null;
        double perBatch = (finishedEpochsTrainSeconds + p.EpochElapsed.TotalSeconds) / batchesDone;
        double validation = validationImages == 0 ? 0
            : validationSeconds ?? validationImages / Math.Max(1e-9, 3 * p.ImagesPerSecond);
        int laterEpochs = p.Epochs - p.Epoch - 1;
        double seconds = (p.Batches - p.Batch) * perBatch + validation + laterEpochs * (p.Batches * perBatch + validation);
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }
}
