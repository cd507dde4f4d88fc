using System.Diagnostics;
using Osprey.Data;
using Osprey.Models;
using Osprey.Training.Distributed;
using Osprey.Torch;
using Osprey.Torch.Distributed;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Torch.Serialization;
using Osprey.Training.FineTuning;

namespace Osprey.Training;

/// <summary>
/// The training loop shared by every task: per step a TensorScope around forward, loss, backward, optimizer, schedule
/// and EMA; per epoch validation, results.csv, and the <c>last</c> / <c>best</c> checkpoints (atomic). A run resumed from
/// its last checkpoint continues exactly as if it had not stopped (model, optimizer, schedule, EMA, RNG, and the loader's
/// order, which depends only on (seed, epoch)). The task's specifics come from an <see cref="ITrainingTask"/>.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string LastCheckpoint = "last.ckpt", BestCheckpoint = "best.ckpt", ArgsFile = "args.yaml", ResultsFile = "results.csv";

    readonly ITrainingTask task;
    readonly ITaskModel trainModel, evalModel;
    readonly List<ITrainerCallback> callbacks;
    readonly Module model;
    readonly ModelEma? ema;
    readonly IStepPolicy steps;
    readonly DataLoader trainLoader;
    readonly DataLoader? valLoader;
    readonly ResultsCsv? results;   // rank 0's only
    readonly TrainingWorld world;
    readonly FrozenLayers frozen = FrozenLayers.None;
    readonly bool shardedValidation;   // each rank validates a block of the batches, the evaluators merge
    RunInfo info;
    int startEpoch;
    volatile bool stopRequested;

    public TrainOptions Options { get; }
    public ITrainingTask Task => task;
    public TaskData Data { get; }
    public string RunDirectory { get; }
    public Module Model => model;
    public ModelEma? Ema => ema;
    public Optimizer Optimizer => steps.Optimizer;
    /// <summary>Epochs finished so far (the next epoch's 0-based index).</summary>
    public int EpochsDone { get; private set; }
    public double BestFitness => info.BestFitness;
    public int BatchesPerEpoch => trainLoader.BatchCount;
    /// <summary>What the <c>weights</c> option loaded into the model (null: none given, or a resumed run).</summary>
    public WeightsTransfer? Transfer { get; }
    /// <summary>The modules the <c>freeze</c> option froze.</summary>
    public IReadOnlyList<string> Frozen => frozen.Names;
    /// <summary>Why the run ended before its last epoch by early stopping (null: it did not).</summary>
    public string? EarlyStop { get; private set; }

    Trainer(TrainOptions options, ITrainingTask task, IEnumerable<ITrainerCallback>? callbacks, string? runDirectory, LaunchEnvironment? launch,
            bool resumed = false)
    {
        options.Validate();
        world = TrainingWorld.Join(launch ?? LaunchEnvironment.Single, TimeSpan.FromSeconds(options.DistTimeout));
        if (task.Name != options.Task) throw new ArgumentException($"the options name task '{options.Task}', the trainer was given '{task.Name}'");
        this.task = task;
        this.callbacks = callbacks?.ToList() ?? [];
        Data = task.LoadData(options);
        // The options as the run resolves them (input side, model options, learning rate): what args.yaml and the checkpoints record.
        info = RunInfo.For(options with { Imgsz = Data.ImageSize, Lr0 = options.Lr0 ?? task.DefaultLr(options) }, Data);
        options = Options = info.Options with { ModelOptions = new ModelOptionValues(info.ModelOptions) };
        info = info with { Options = options, WorldSize = world.Size };

        // The generator is process-wide: ranks on threads of one process must not interleave their seeded builds.
        lock (SeededBuild)
        {
            LibTorch.ManualSeed((ulong)options.Seed);
            model = info.BuildModel();
        }
        try
        {
            if (!resumed && options.Weights is { } weights) Transfer = StartingWeights.LoadInto(model, weights);
            frozen = FrozenLayers.Apply(model, options.Freeze);
            world.Prepare(model, options.SyncBn);
            trainModel = evalModel = task.Bind(model, Data, options);
            if (options.Ema)
            {
                ema = new ModelEma(model, info.BuildModel(), options.EmaDecay, options.EmaTau);
                evalModel = task.Bind(ema.Model, Data, options);
                info = info with { HasEma = true };
            }
            trainLoader = new DataLoader(Data.Train, Data.TrainTransform,
                world.Loader(new LoaderOptions { BatchSize = options.Batch, Shuffle = true, Seed = options.Seed, Workers = options.Workers }), task.Collate);
            if (Data.Val != null)
            {
                var validation = new LoaderOptions { BatchSize = options.Batch * 2, Shuffle = false, Seed = options.Seed, Workers = options.Workers };
                shardedValidation = world.Group != null && evalModel.StartEvaluation().CanMerge;
                valLoader = new DataLoader(Data.Val, Data.ValTransform, shardedValidation ? world.ValidationLoader(validation) : validation, task.Collate);
            }
            steps = world.Steps(model, task.CreateSteps(model, options, new TrainingPlan(Data.Train.Count, trainLoader.BatchCount, options.Epochs, options.Batch)));
            if (world.Group != null) trainModel = trainModel.ForWorld(world.Group);
            // Nothing is written before the run can start: the folder is made once everything above has succeeded.
            RunDirectory = world.FromMain(runDirectory ?? (world.IsMain ? RunFolder.Create(options.Project, task.Name, options.Name, options.ExistOk) : ""));
            if (world.IsMain) results = new ResultsCsv(Path.Combine(RunDirectory, ResultsFile), ResultsColumns(task, steps.Optimizer.ParamGroups.Count));
        }
        catch
        {
            steps?.Optimizer.Dispose();
            ema?.Dispose();
            model.Dispose();
            world.Dispose();
            throw;
        }
    }

    /// <summary>results.csv's columns, as ultralytics names them: epoch, time (seconds of training so far), train/TERM...,
    /// the task's metrics, val/TERM..., lr/pgN for each parameter group.</summary>
    public static string[] ResultsColumns(ITrainingTask task, int paramGroups) =>
    [
        "epoch", "time", .. task.LossNames.Select(n => "train/" + n), .. task.MetricNames, .. task.LossNames.Select(n => "val/" + n),
        .. Enumerable.Range(0, paramGroups).Select(g => $"lr/pg{g}"),
    ];

    /// <summary>A new run: options validated, run folder created, args.yaml written. With <paramref name="launch"/> a
    /// rank of a data-parallel run (<see cref="LaunchEnvironment.FromProcess"/> reads torchrun's variables): rank 0 writes.</summary>
    public static Trainer Create(TrainOptions options, IEnumerable<ITrainerCallback>? callbacks = null, ITrainingTask? task = null,
                                 LaunchEnvironment? launch = null)
    {
        var trainer = new Trainer(options, task ?? TaskRegistry.Get(options.Validate().Task, options.Model), callbacks, null, launch);
        if (trainer.world.IsMain) AtomicFile.Write(Path.Combine(trainer.RunDirectory, ArgsFile), s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write(OptionsReader.ToYaml(trainer.Options));
        });
        return trainer;
    }

    /// <summary>
    /// Continues the run that wrote <paramref name="checkpointPath"/> (its last.ckpt) with the options saved in it; only
    /// the worker count may change (it does not change the batches).
    /// </summary>
    public static Trainer Resume(string checkpointPath, IEnumerable<ITrainerCallback>? callbacks = null, ITrainingTask? task = null, int? workers = null,
                                 LaunchEnvironment? launch = null)
    {
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"resume: checkpoint {checkpointPath} does not exist", checkpointPath);
        using var checkpoint = TrainingCheckpoint.Load(checkpointPath);
        var saved = RunInfo.FromJson(checkpoint.Options, checkpointPath);
        var options = workers is { } w ? saved.Options with { Workers = w } : saved.Options;
        if (checkpoint.Epoch >= options.Epochs)
            throw new InvalidOperationException($"resume: {checkpointPath} is from epoch {checkpoint.Epoch} of {options.Epochs}; the run has finished");
        var trainer = new Trainer(options, task ?? TaskRegistry.Get(options.Validate().Task, options.Model), callbacks,
                                  Path.GetDirectoryName(Path.GetFullPath(checkpointPath)), launch, resumed: true);
        try
        {
            trainer.Restore(checkpoint, saved);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    }

    void Restore(TrainingCheckpoint checkpoint, RunInfo saved)
    {
        if (!saved.Classes.SequenceEqual(info.Classes))
            throw new InvalidDataException($"resume: {checkpoint.Source} was trained on classes [{string.Join(", ", saved.Classes)}], " +
                                           $"the data now has [{string.Join(", ", info.Classes)}]");
        if (saved.WorldSize != world.Size)
            throw new InvalidOperationException($"resume: {checkpoint.Source} was trained on {saved.WorldSize} rank(s), this run has {world.Size}; " +
                                                $"resume it with --nproc {saved.WorldSize} (or as many ranks over the nodes)");
        using (var scope = TensorScope.Begin())
            checkpoint.LoadModelInto(StateTensors(), strict: true);
        checkpoint.Restore(steps.Optimizer, steps.Scheduler, restoreRng: true);
        if (ema != null) ema.Updates = saved.EmaUpdates;
        info = info with { BestFitness = saved.BestFitness, BestEpoch = saved.BestEpoch, TrainSeconds = saved.TrainSeconds };
        startEpoch = EpochsDone = checked((int)checkpoint.Epoch);
        results?.LoadExisting(checkpoint.Epoch);
    }

    /// <summary>The model's state and the EMA's (as "ema.*"): what a checkpoint's model part holds. Aliases in the current scope.</summary>
    Dictionary<string, Tensor> StateTensors()
    {
        var state = new Dictionary<string, Tensor>(model.StateDict(), StringComparer.Ordinal);
        if (ema != null)
            foreach (var (k, t) in ema.Model.StateDict()) state[EmaPrefix + k] = t;
        return state;
    }

    internal const string EmaPrefix = "ema.";
    static readonly object SeededBuild = new();

    /// <summary>Ends the run after the current epoch (its checkpoint is written first).</summary>
    public void RequestStop() => stopRequested = true;

    /// <summary>Trains from the current epoch to <see cref="TrainOptions.Epochs"/> (or until a stop is requested).</summary>
    public void Train(CancellationToken cancellation = default)
    {
        using var registration = cancellation.Register(RequestStop);
        foreach (var c in callbacks) c.OnTrainStart(this);
        var runClock = Stopwatch.StartNew();
        long stepsThisRun = 0;
        for (int epoch = startEpoch; epoch < Options.Epochs && !stopRequested; epoch++)
        {
            foreach (var c in callbacks) c.OnEpochStart(this, epoch);
            var epochClock = Stopwatch.StartNew();
            var communicated = world.CommunicationTime;
            var (trainTerms, images) = TrainEpoch(epoch, runClock, ref stepsThisRun, epochClock);
            (trainTerms, images) = (world.Mean(trainTerms), images * world.Size);
            double ips = images / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds);
            TimeSpan? communication = world.Size > 1 ? (world.CommunicationTime - communicated) / Math.Max(1, trainLoader.BatchCount) : null;
            EpochsDone = epoch + 1;
            var (valTerms, metrics, fitness) = EpochsDone % Options.ValInterval == 0 || EpochsDone == Options.Epochs
                ? ValidateAcrossRanks(epoch) : NotValidated();
            // As ultralytics: an epoch that equals the best so far is the new best (best.ckpt, and early stopping counts from it).
            bool isBest = !double.IsNaN(fitness) ? fitness >= info.BestFitness : EpochsDone == Options.Epochs;
            if (isBest && !double.IsNaN(fitness)) info = info with { BestFitness = fitness, BestEpoch = EpochsDone };
            info = info with { TrainSeconds = info.TrainSeconds + epochClock.Elapsed.TotalSeconds };
            var lrs = steps.Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
            results?.Append([EpochsDone, Math.Round(info.TrainSeconds, 3), .. trainTerms, .. metrics, .. valTerms, .. lrs]);
            SaveCheckpoints(isBest);
            var summary = new EpochSummary(EpochsDone, Options.Epochs, Named(trainTerms), Named(valTerms),
                task.MetricNames.Zip(metrics).ToDictionary(p => p.First, p => p.Second), fitness, isBest, lrs[0], ips, epochClock.Elapsed)
            {
                CommunicationPerStep = communication,
            };
            foreach (var c in callbacks) c.OnEpochEnd(this, summary);
            if (world.Any(stopRequested)) stopRequested = true;
            if (Options.Patience > 0 && !double.IsNaN(fitness) && EpochsDone - info.BestEpoch >= Options.Patience && EpochsDone < Options.Epochs)
            {
                EarlyStop = $"stopped early: no improvement in the last {Options.Patience} epochs (patience); the best was epoch {info.BestEpoch}, " +
                            $"its weights in {Path.Combine(RunDirectory, BestCheckpoint)}";
                break;
            }
        }
        world.Barrier();
        foreach (var c in callbacks) c.OnTrainEnd(this);
    }

    /// <summary>Every rank validates its shard and the evaluators merge; for an evaluator that cannot merge, rank 0
    /// validates everything and the others get its numbers (the ranks' weights are identical; they wait).</summary>
    (double[] Terms, double[] Metrics, double Fitness) ValidateAcrossRanks(int epoch)
    {
        if (world.Size == 1 || valLoader == null || shardedValidation) return Validate(epoch);
        var (terms, metrics, fitness) = world.IsMain ? Validate(epoch)
            : (new double[task.LossNames.Count], new double[task.MetricNames.Count], 0.0);
        var shared = world.FromMain([.. terms, .. metrics, fitness]);
        return (shared[..terms.Length], shared[terms.Length..^1], shared[^1]);
    }

    Dictionary<string, double> Named(double[] terms) => task.LossNames.Zip(terms).ToDictionary(p => p.First, p => p.Second);

    /// <summary>Training mode for everything but the frozen layers.</summary>
    void TrainMode()
    {
        model.Train();
        frozen.KeepInEval();
    }

    (double[] MeanTerms, long Images) TrainEpoch(int epoch, Stopwatch runClock, ref long stepsThisRun, Stopwatch epochClock)
    {
        TrainMode();
        int batches = trainLoader.BatchCount;
        var sums = new double[task.LossNames.Count];
        long images = 0;
        int b = 0;
        foreach (var batch in trainLoader.Epoch(epoch))
            using (batch)
            {
                foreach (var c in callbacks) c.OnBatchStart(this, epoch, b);
                long iteration = (long)epoch * batches + b;
                steps.BeforeBatch(iteration);
                double lr = steps.Optimizer.ParamGroups[0].Lr;
                var (loss, terms) = Step(batch, iteration, epoch, b, batches);
                for (int t = 0; t < sums.Length; t++) sums[t] += terms[t];
                images += batch.Count;
                b++;
                stepsThisRun++;
                var elapsed = runClock.Elapsed;
                long remaining = (long)(Options.Epochs - epoch - 1) * batches + (batches - b);
                var eta = TimeSpan.FromSeconds(elapsed.TotalSeconds / stepsThisRun * remaining);
                var progress = new BatchProgress(epoch, Options.Epochs, b, batches, loss, Named(sums.Select(v => v / b).ToArray()), lr,
                                                 images / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), epochClock.Elapsed, eta);
                foreach (var c in callbacks) c.OnBatchEnd(this, progress);
            }
        return (sums.Select(v => v / Math.Max(1, b)).ToArray(), images);
    }

    (double Total, double[] Terms) Step(Batch batch, long iteration, int epoch, int b, int batches)
    {
        using var scope = TensorScope.Begin();
        LossTerms loss;
        using (Options.Amp ? Autocast.Cpu(DType.BFloat16) : null) loss = trainModel.Loss(batch);
        double value = loss.Total.Item<double>();
        if (!double.IsFinite(value)) throw Diverged(value, epoch, b, batches);
        var terms = TermValues(loss);
        loss.Total.Backward();
        if (steps.AfterBackward(iteration)) ema?.Update();
        return (value, terms);
    }

    /// <summary>The loss's terms in the task's declared order; a criterion that reports others is a bug worth naming.</summary>
    double[] TermValues(LossTerms loss)
    {
        var names = task.LossNames;
        if (!loss.Terms.Select(t => t.Name).SequenceEqual(names))
            throw new InvalidOperationException($"the {task.Name} criterion reported terms [{string.Join(", ", loss.Terms.Select(t => t.Name))}]; " +
                                                $"the task declares [{string.Join(", ", names)}]");
        return loss.Terms.Select(t => t.Value.Item<double>()).ToArray();
    }

    TrainingDivergedException Diverged(double value, int epoch, int b, int batches)
    {
        var last = Path.Combine(RunDirectory, LastCheckpoint);
        var kept = File.Exists(last)
            ? $"the last good checkpoint, {last} (epoch {EpochsDone}), is intact"
            : "no checkpoint had been written yet";
        return new TrainingDivergedException(
            $"training stopped: the loss is {value} at epoch {epoch + 1}/{Options.Epochs}, batch {b + 1}/{batches}; {kept}. " +
            "Try a lower lr0, a longer warmup or grad_clip.");
    }

    (double[] Terms, double[] Metrics, double Fitness) NotValidated() =>
        (task.LossNames.Select(_ => double.NaN).ToArray(), task.MetricNames.Select(_ => double.NaN).ToArray(), double.NaN);

    (double[] Terms, double[] Metrics, double Fitness) Validate(int epoch)
    {
        if (valLoader == null) return NotValidated();
        foreach (var c in callbacks) c.OnValidationStart(this, epoch, valLoader.BatchCount);
        var evaluated = ema?.Model ?? model;
        evaluated.Eval();
        var evaluation = evalModel.StartEvaluation();
        var sums = new double[task.LossNames.Count];
        long count = 0;
        using (var noGrad = Autograd.NoGrad())
            foreach (var batch in valLoader.Epoch(0))
                using (batch)
                {
                    using var scope = TensorScope.Begin();
                    var terms = TermValues(evaluation.Add(batch));
                    for (int t = 0; t < sums.Length; t++) sums[t] += terms[t] * batch.Count;
                    count += batch.Count;
                }
        if (shardedValidation)
        {
            evaluation.MergeRanks(world.Group!);
            var totals = RankReduce.Sum(world.Group, [.. sums, count]);
            (sums, count) = (totals[..^1], (long)totals[^1]);
        }
        TrainMode();
        foreach (var c in callbacks) c.OnValidationEnd(this, epoch, evaluation);
        return (sums.Select(v => v / Math.Max(1, count)).ToArray(), evaluation.Values().ToArray(), evaluation.Fitness);
    }

    void SaveCheckpoints(bool isBest)
    {
        if (ema != null) info = info with { EmaUpdates = ema.Updates };
        if (!world.IsMain) return;
        using var scope = TensorScope.Begin();
        using var checkpoint = TrainingCheckpoint.Capture(StateTensors(), steps.Optimizer, steps.Scheduler, EpochsDone,
                                                          (long)EpochsDone * trainLoader.BatchCount, info.ToJson());
        checkpoint.Save(Path.Combine(RunDirectory, LastCheckpoint));
        if (isBest) checkpoint.Save(Path.Combine(RunDirectory, BestCheckpoint));
    }

    public void Dispose()
    {
        steps?.Optimizer.Dispose();
        ema?.Dispose();
        model?.Dispose();
        world?.Dispose();
    }
}
