namespace Osprey.Training;

/// <summary>Hooks into a <see cref="Trainer"/>'s loop; every method is optional. Call <see cref="Trainer.RequestStop"/>
/// from any of them to end the run after the current epoch (its checkpoint is written first).</summary>
public interface ITrainerCallback
{
    void OnTrainStart(Trainer trainer) { }
    void OnEpochStart(Trainer trainer, int epoch) { }
    void OnBatchStart(Trainer trainer, int epoch, int batch) { }
    void OnBatchEnd(Trainer trainer, BatchProgress progress) { }
    void OnValidationStart(Trainer trainer, int epoch, int batches) { }
    /// <summary>After the epoch's validation pass, before its row and checkpoints are written.</summary>
    void OnValidationEnd(Trainer trainer, int epoch, IEvaluation evaluation) { }
    void OnEpochEnd(Trainer trainer, EpochSummary summary) { }
    void OnTrainEnd(Trainer trainer) { }
}

/// <summary>Where a run is after one training step. <see cref="Epoch"/> is 0-based, <see cref="Batch"/> 1-based.
/// <see cref="Loss"/> is this step's total; <see cref="MeanTerms"/> each loss term's mean over the epoch so far.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, IReadOnlyDictionary<string, double> MeanTerms,
                                   double Lr, double ImagesPerSecond, TimeSpan EpochElapsed, TimeSpan Eta);

/// <summary>One finished epoch: each loss term's mean over the training and the validation batches, the task's metrics
/// (names as in results.csv), whether it is the best so far.</summary>
public sealed record EpochSummary(int Epoch, int Epochs, IReadOnlyDictionary<string, double> TrainTerms, IReadOnlyDictionary<string, double> ValTerms,
                                  IReadOnlyDictionary<string, double> Metrics, double Fitness, bool IsBest, double Lr, double ImagesPerSecond,
                                  TimeSpan Duration)
{
    /// <summary>A rank of a data-parallel run: the mean time per step in the gradient all-reduces (null: one process).</summary>
    public TimeSpan? CommunicationPerStep { get; init; }
}

/// <summary>The loss stopped being finite; the run's last good checkpoint (if any) is left as it was.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
