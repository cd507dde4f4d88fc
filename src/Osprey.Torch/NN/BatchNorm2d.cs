using Osprey.Torch.Distributed;

namespace Osprey.Torch.NN;

/// <summary>
/// torch.nn.BatchNorm2d over (N, C, H, W). Training normalises with batch statistics and updates the running
/// ones (momentum, or a cumulative average when momentum is null); eval uses the running statistics.
/// State: weight, bias (when affine), running_mean, running_var, num_batches_tracked (int64) when tracking.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    static readonly Op addScalarInPlace = new("aten::add_", "Scalar");

    public long NumFeatures { get; }
    public double Eps { get; }
    /// <summary>Running-average factor; null means a cumulative moving average (1 / batches seen).</summary>
    public double? Momentum { get; }
    public bool Affine { get; }
    public bool TrackRunningStats { get; }

    public Tensor? Weight => Param("weight");
    public Tensor? Bias => Param("bias");
    public Tensor? RunningMean => Buffer("running_mean");
    public Tensor? RunningVar => Buffer("running_var");
    public Tensor? NumBatchesTracked => Buffer("num_batches_tracked");

    /// <summary>When set (see <see cref="SyncBatchNorm.Convert"/>), training uses the statistics of every rank's batch
    /// together, as torch.nn.SyncBatchNorm; eval and a world of one are plain batch norm. Not part of the state.</summary>
    public ProcessGroup? SyncGroup { get; set; }

    public BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        (NumFeatures, Eps, Momentum, Affine, TrackRunningStats) = (numFeatures, eps, momentum, affine, trackRunningStats);
        RegisterParameter("weight", affine ? Tensor.Ones([numFeatures]) : null);
        RegisterParameter("bias", affine ? Tensor.Zeros([numFeatures]) : null);
        RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures]) : null);
        RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures]) : null);
        RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.Zeros([], DType.Int64) : null);
    }

    // Checkpoints written before PyTorch 0.4.1 have no num_batches_tracked; PyTorch loads them and keeps 0.
    protected override IEnumerable<string> OptionalStateKeys => ["num_batches_tracked"];

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"BatchNorm2d: expected 4-D input (N, C, H, W), got {input.Describe()}");
        double factor = Momentum ?? 0;
        if (IsTraining && TrackRunningStats)
        {
            var tracked = NumBatchesTracked!;
            using (Autograd.NoGrad()) addScalarInPlace.InPlace(tracked, 1L);
            if (Momentum == null) factor = 1.0 / tracked.Item<long>();
        }
        if (IsTraining && SyncGroup is { WorldSize: > 1 } group)
            return group.SyncBatchNorm(input, Weight, Bias, TrackRunningStats ? RunningMean : null, TrackRunningStats ? RunningVar : null, factor, Eps);
        bool useBatchStats = IsTraining || RunningMean == null;
        var useRunning = !IsTraining || TrackRunningStats;
        return Functional.BatchNorm(input, useRunning ? RunningMean : null, useRunning ? RunningVar : null, Weight, Bias,
                                    useBatchStats, factor, Eps);
    }

    public override string ToString() =>
        $"BatchNorm2d({NumFeatures}, eps={Eps}, momentum={(Momentum?.ToString() ?? "None")}, affine={Affine}, track_running_stats={TrackRunningStats})";
}
