using Osprey.Models;

namespace Osprey.Training;

/// <summary>sgd, adamw, or ultralytics' auto rule (the detect task's YOLO models only; <see cref="Ultralytics.UltralyticsOptimizer.Choose"/>).</summary>
public enum OptimizerKind { Sgd, AdamW, Auto }

public enum ScheduleKind { Cosine, Linear, Constant, Poly }

/// <summary>
/// Everything a training run is configured by, one record for every task. Keys in YAML files, <c>--set key=value</c>
/// and args.yaml are the snake_case property names (<c>lr0</c>, <c>weight_decay</c>, ...); <see cref="OptionsReader"/>
/// rejects unknown keys and wrong types, <see cref="Validate"/> out-of-range values. Null means "chosen from the data
/// and the model" when the run starts.
/// </summary>
public sealed record TrainOptions
{
    public string Task { get; init; } = "classify";
    public string Model { get; init; } = "seresnet18";
    /// <summary>The task's dataset: a built-in name or a path (each task documents what it reads).</summary>
    public string Data { get; init; } = "fashion-mnist";
    public int Epochs { get; init; } = 10;
    public int Batch { get; init; } = 64;
    /// <summary>Square input side; null: the dataset's own size (28 for Fashion-MNIST), else the model's default.</summary>
    public int? Imgsz { get; init; }
    /// <summary>The model family's own build options by key (a ResNet's <c>width</c>, <c>small_stem</c>), as text:
    /// any key that is no training option lands here and must be declared by the model (see <c>osprey info</c>).</summary>
    public ModelOptionValues ModelOptions { get; init; } = ModelOptionValues.Empty;
    /// <summary>Use this fraction of the training set (a seeded, fixed subset), for quick runs.</summary>
    public double Fraction { get; init; } = 1.0;
    /// <summary>Start from these weights (fine-tuning): an Osprey .ckpt, a .safetensors state dict or a torch.save file;
    /// tensors whose name and shape match load, the rest is reported (see <see cref="FineTuning.StartingWeights"/>).</summary>
    public string? Weights { get; init; }
    /// <summary>Freeze the first N layers, or the layers / modules listed by index or name (see <see cref="FineTuning.FrozenLayers"/>).</summary>
    public string? Freeze { get; init; }

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    /// <summary>Initial learning rate; null: 0.05 for SGD, 0.001 for AdamW.</summary>
    public double? Lr0 { get; init; }
    /// <summary>Final learning rate of the cosine schedule as a fraction of lr0.</summary>
    public double Lrf { get; init; } = 0.01;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; } = true;
    /// <summary>Applied to convolution and linear weights only; norms and biases get none.</summary>
    public double WeightDecay { get; init; } = 5e-4;
    public double WarmupEpochs { get; init; } = 1.0;
    public double WarmupStartFactor { get; init; } = 0.1;
    public double LabelSmoothing { get; init; }
    /// <summary>Clip the gradients' joint L2 norm to this (0: no clipping).</summary>
    public double GradClip { get; init; }
    /// <summary>Automatic mixed precision (ultralytics' amp), on CPUs in bfloat16: the training forward and loss under
    /// bf16 autocast (convolutions and matmuls in bf16; weights, gradients and the optimizer in float32; bf16's exponent
    /// range needs no loss scaling). Fast only where oneDNN has bf16 kernels (AVX512-BF16 or AMX: osprey doctor).</summary>
    public bool Amp { get; init; }

    /// <summary>Keep an exponential moving average of the weights; validation and the checkpoints' eval weights use it.</summary>
    public bool Ema { get; init; }
    public double EmaDecay { get; init; } = 0.9999;
    public double EmaTau { get; init; } = 2000;

    /// <summary>Horizontal flip probability in training.</summary>
    public double Fliplr { get; init; } = 0.5;
    /// <summary>Pad each side by this many pixels, then crop back at a random place (training).</summary>
    public int CropPad { get; init; }
    /// <summary>Random-resized-crop minimum area fraction in training; 1 turns it off (plain resize).</summary>
    public double Scale { get; init; } = 1.0;

    // --- Detection (YOLO), issue 12: ultralytics' training keys with its defaults and meanings (cfg/default.yaml). The
    // detect task's YOLO models read them (with fliplr and scale above: for YOLO, scale is the random-perspective gain);
    // any other task refuses a value other than the default (ValidateYoloKeys).
    /// <summary>HSV augmentation gains (fractions of hue, saturation, value).</summary>
    public double HsvH { get; init; } = 0.015;
    public double HsvS { get; init; } = 0.7;
    public double HsvV { get; init; } = 0.4;
    /// <summary>Random perspective: rotation (+/- degrees), translation (+/- fraction), shear (+/- degrees), perspective (+/- fraction).</summary>
    public double Degrees { get; init; }
    public double Translate { get; init; } = 0.1;
    public double Shear { get; init; }
    public double Perspective { get; init; }
    /// <summary>Vertical flip probability.</summary>
    public double Flipud { get; init; }
    /// <summary>Mosaic and mixup probabilities; both end for the last <see cref="CloseMosaic"/> epochs (0: never).</summary>
    public double Mosaic { get; init; } = 1.0;
    public double Mixup { get; init; }
    public int CloseMosaic { get; init; } = 10;
    /// <summary>Warm-up start momentum and bias learning rate; nominal batch (accumulation and decay scaling); cosine decay instead of linear.</summary>
    public double WarmupMomentum { get; init; } = 0.8;
    public double WarmupBiasLr { get; init; } = 0.1;
    public int Nbs { get; init; } = 64;
    public bool CosLr { get; init; }
    // --- end of issue 12's block

    public int Workers { get; init; } = 2;
    public int Seed { get; init; }
    public bool Val { get; init; } = true;
    /// <summary>Validate every this many epochs, and always after the last one (mmsegmentation's val_interval).</summary>
    public int ValInterval { get; init; } = 1;
    /// <summary>Stop when the fitness has not improved for this many epochs (ultralytics' early stopping; 0: never).</summary>
    public int Patience { get; init; } = 100;
    /// <summary>Runs go to &lt;project&gt;/&lt;task&gt;/&lt;name&gt;.</summary>
    public string Project { get; init; } = "runs";
    /// <summary>null: train, train2, train3, ... (the first free one); a taken name gets 2, 3, ... appended likewise.</summary>
    public string? Name { get; init; }
    /// <summary>Reuse the folder of an existing run of the same name, overwriting its files (ultralytics' exist_ok).</summary>
    public bool ExistOk { get; init; }

    // --- Issue 11 (segmentation, seg2): the poly schedule ---
    /// <summary>Exponent of <c>schedule: poly</c>, mmsegmentation's PolyLR: lr = (lr0 - eta_min) (1 - t / T)^power + eta_min
    /// with eta_min = lr0 * lrf, per iteration after the warmup (the PSPNet paper: 0.9, eta_min 0).</summary>
    public double Power { get; init; } = 0.9;
    /// <summary>Segment: the auxiliary head's loss weight (the PSPNet paper: 0.4).</summary>
    public double AuxWeight { get; init; } = 0.4;
    /// <summary>Segment: weight of a soft Dice term added to the cross entropy (0: cross entropy alone).</summary>
    public double Dice { get; init; }
    /// <summary>Segment: per-class cross-entropy weights, comma-separated, one per class in class-id order (background
    /// first); null: all 1.</summary>
    public string? ClassWeights { get; init; }
    /// <summary>Segment: weigh the cross entropy by the UNet paper's weight map (w0 = 10, sigma = 5 pixels), the cells
    /// being the connected regions of each class in the mask.</summary>
    public bool WeightMap { get; init; }
    /// <summary>Segment: the training augmentation's random scale range (the PSPNet paper: 0.5 to 2).</summary>
    public double ScaleMin { get; init; } = 0.5;
    public double ScaleMax { get; init; } = 2.0;
    /// <summary>Segment: random rotation by up to +/- this many degrees, with probability 0.5 (PSPNet: 10; 0: none).</summary>
    public double Rotation { get; init; } = 10;
    /// <summary>Segment: probability of a 5x5 Gaussian blur (PSPNet: 0.5).</summary>
    public double Blur { get; init; } = 0.5;
    /// <summary>Segment: the UNet paper's elastic deformation before the other augmentations.</summary>
    public bool Elastic { get; init; }
    // ---- Data-parallel training (osprey train --nproc, or ranks started with torchrun's variables) ----
    /// <summary>Normalise training batches with the statistics of every rank's batch (torch.nn.SyncBatchNorm), as the
    /// PSPNet paper trains; no effect in a single process.</summary>
    public bool SyncBn { get; init; }
    /// <summary>Seconds any collective (and the ranks' rendezvous) may wait for a peer before the run stops (torch's
    /// default, 30 minutes); a killed peer is noticed at once. Rank 0's validation runs inside it.</summary>
    public double DistTimeout { get; init; } = 1800;

    /// <summary>The weights of <see cref="ClassWeights"/>, or null when the text is not a list of finite weights >= 0.</summary>
    public static float[]? ParseClassWeights(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var weights = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out weights[i])
                || !float.IsFinite(weights[i]) || weights[i] < 0)
                return null;
        return weights;
    }

    /// <summary>Throws <see cref="OptionsException"/> naming the first out-of-range option.</summary>
    public TrainOptions Validate()
    {
        Require(TaskRegistry.Contains(Task), "task", Task, $"one of {string.Join(", ", TaskRegistry.Names)}");
        Require(!string.IsNullOrWhiteSpace(Model), "model", Model, "a registered model name");
        ValidateModel();
        Require(!string.IsNullOrWhiteSpace(Data), "data", Data, "a dataset name or folder");
        // Upper bounds keep every product the run forms (batch x channels x imgsz^2, epochs x batches) far from overflow.
        Require(Epochs is >= 1 and <= 1_000_000, "epochs", Epochs, "an integer in 1..1000000");
        Require(Batch is >= 1 and <= 65_536, "batch", Batch, "an integer in 1..65536");
        Require(Imgsz is null or (>= 8 and <= 16_384), "imgsz", Imgsz, "an integer in 8..16384");
        Require(Fraction > 0 && Fraction <= 1, "fraction", Fraction, "a value in (0, 1]");
        Require(Lr0 is null || (double.IsFinite(Lr0.Value) && Lr0 > 0), "lr0", Lr0, "a finite value > 0");
        Require(Lrf >= 0 && Lrf <= 1, "lrf", Lrf, "a value in [0, 1]");
        Require(Momentum >= 0 && Momentum < 1, "momentum", Momentum, "a value in [0, 1)");
        Require(!Nesterov || Optimizer != OptimizerKind.Sgd || Momentum > 0, "nesterov", Nesterov, "false when momentum is 0");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, "weight_decay", WeightDecay, "a finite value >= 0");
        Require(WarmupEpochs >= 0 && double.IsFinite(WarmupEpochs), "warmup_epochs", WarmupEpochs, "a finite value >= 0");
        Require(WarmupStartFactor >= 0 && WarmupStartFactor <= 1, "warmup_start_factor", WarmupStartFactor, "a value in [0, 1]");
        Require(LabelSmoothing >= 0 && LabelSmoothing < 1, "label_smoothing", LabelSmoothing, "a value in [0, 1)");
        Require(GradClip >= 0 && double.IsFinite(GradClip), "grad_clip", GradClip, "a finite value >= 0");
        Require(EmaDecay > 0 && EmaDecay < 1, "ema_decay", EmaDecay, "a value in (0, 1)");
        Require(EmaTau > 0 && double.IsFinite(EmaTau), "ema_tau", EmaTau, "a finite value > 0");
        Require(Fliplr >= 0 && Fliplr <= 1, "fliplr", Fliplr, "a probability in [0, 1]");
        Require(CropPad >= 0, "crop_pad", CropPad, "an integer >= 0");
        ValidateYoloKeys();
        ValidateSegmentKeys();
        Require(Weights is null || Weights.Length > 0, "weights", Weights, "a weights file");
        Require(Freeze is null || System.Text.RegularExpressions.Regex.IsMatch(Freeze, @"^\s*[A-Za-z0-9_.]+(\s*,\s*[A-Za-z0-9_.]+)*\s*$"), "freeze", Freeze,
                "a count of the first layers, or a comma-separated list of layer indices or module names");
        Require(Patience >= 0, "patience", Patience, "an integer >= 0 (0: no early stopping)");
        Require(ValInterval >= 1, "val_interval", ValInterval, "an integer >= 1 (validate every N epochs and after the last)");
        Require(Workers is >= 0 and <= 256, "workers", Workers, "an integer in 0..256");
        Require(double.IsFinite(Power) && Power > 0, "power", Power, "a finite value > 0");
        Require(double.IsFinite(AuxWeight) && AuxWeight >= 0, "aux_weight", AuxWeight, "a finite value >= 0");
        Require(double.IsFinite(Dice) && Dice >= 0, "dice", Dice, "a finite value >= 0");
        Require(ClassWeights is null || ParseClassWeights(ClassWeights) != null, "class_weights", ClassWeights,
                "comma-separated finite weights >= 0, one per class (e.g. 0.5,1,1)");
        Require(DistTimeout is > 0 and <= 604_800, "dist_timeout", DistTimeout, "seconds in (0, 604800]");
        Require(!string.IsNullOrWhiteSpace(Project), "project", Project, "a folder");
        Require(Name is null || (Name.Length > 0 && Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Name is not "." and not ".."),
                "name", Name, "a plain folder name");
        return this;
    }

    /// <summary>The model exists, is one the task trains, and declares every model option given (with a value of its type).</summary>
    void ValidateModel()
    {
        ModelEntry entry;
        try
        {
            entry = ModelRegistry.Get(Model);
        }
        catch (ArgumentException e)
        {
            throw new OptionsException("model", $"option 'model' = {Model}: {e.Message}");
        }
        var task = TaskRegistry.Get(Task, Model);
        if (entry.Task != task.Models)
            throw new OptionsException("model", $"option 'model' = {Model} is a {entry.Task.ToString().ToLowerInvariant()} model; " +
                                                $"the {Task} task trains {task.Models.ToString().ToLowerInvariant()} models: " +
                                                string.Join(", ", ModelRegistry.All.Where(e => e.Task == task.Models).Select(e => e.Name)));
        foreach (var (key, value) in ModelOptions)
        {
            var option = entry.Options.FirstOrDefault(o => o.Key == key)
                ?? throw new OptionsException(key, $"unknown option '{key}': not a training option ({string.Join(", ", OptionsReader.Keys)}) " +
                                                   $"nor an option of model {Model} ({(entry.Options.Count == 0 ? "it has none" : string.Join(", ", entry.Options.Select(o => o.Key)))})");
            bool ok = option.Type switch
            {
                ModelOptionType.Integer => long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1,
                ModelOptionType.Number => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && x >= 0,
                ModelOptionType.Boolean => value is "true" or "false",
                _ => false,
            };
            Require(ok, key, value, option.Type switch
            {
                ModelOptionType.Integer => "an integer >= 1",
                ModelOptionType.Number => "a finite number >= 0",
                _ => "true or false",
            });
        }
    }

    /// <summary>Issue 12: the ultralytics keys (and optimizer=auto) mean something to the detect task's YOLO models only;
    /// <c>scale</c> means the random-resized-crop minimum area elsewhere, ultralytics' perspective scale gain there.</summary>
    void ValidateYoloKeys()
    {
        bool yolo = TaskRegistry.Contains(Task) && TaskRegistry.Get(Task, Model) is Detection.YoloTask;
        if (yolo)
        {
            Require(Scale >= 0 && Scale < 1, "scale", Scale, "a value in [0, 1) (the detect task's random-perspective scale gain)");
            Require(Schedule != ScheduleKind.Constant, "schedule", "constant", "linear or cosine (ultralytics' decays; cos_lr=true also means cosine)");
        }
        else Require(Scale > 0 && Scale <= 1, "scale", Scale, "a value in (0, 1]");
        (string Key, double Value, double Max)[] probabilities =
            [("hsv_h", HsvH, 1), ("hsv_s", HsvS, 1), ("hsv_v", HsvV, 1), ("translate", Translate, 1), ("perspective", Perspective, 0.001),
             ("flipud", Flipud, 1), ("mosaic", Mosaic, 1), ("mixup", Mixup, 1)];
        foreach (var (key, value, max) in probabilities) Require(value >= 0 && value <= max, key, value, $"a value in [0, {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}]");
        Require(Degrees >= 0 && Degrees <= 180, "degrees", Degrees, "a value in [0, 180]");
        Require(Shear >= 0 && Shear < 90, "shear", Shear, "a value in [0, 90)");
        Require(CloseMosaic >= 0, "close_mosaic", CloseMosaic, "an integer >= 0");
        Require(WarmupMomentum >= 0 && WarmupMomentum < 1, "warmup_momentum", WarmupMomentum, "a value in [0, 1)");
        Require(double.IsFinite(WarmupBiasLr) && WarmupBiasLr >= 0, "warmup_bias_lr", WarmupBiasLr, "a finite value >= 0");
        Require(Nbs is >= 1 and <= 65_536, "nbs", Nbs, "an integer in 1..65536");
        if (yolo) return;
        var task = $"the {Task} task with {Model}";
        Require(Optimizer != OptimizerKind.Auto, "optimizer", "auto", $"sgd or adamw: 'auto' is ultralytics' rule, which only the detect task's YOLO models follow ({task})");
        var defaults = new TrainOptions();
        RequireDefaults($"the detect task's YOLO recipe, not to {task}",
                 [
                     ("hsv_h", HsvH, defaults.HsvH), ("hsv_s", HsvS, defaults.HsvS), ("hsv_v", HsvV, defaults.HsvV), ("degrees", Degrees, defaults.Degrees),
                     ("translate", Translate, defaults.Translate), ("shear", Shear, defaults.Shear), ("perspective", Perspective, defaults.Perspective),
                     ("flipud", Flipud, defaults.Flipud), ("mosaic", Mosaic, defaults.Mosaic), ("mixup", Mixup, defaults.Mixup),
                     ("close_mosaic", CloseMosaic, defaults.CloseMosaic), ("warmup_momentum", WarmupMomentum, defaults.WarmupMomentum),
                     ("warmup_bias_lr", WarmupBiasLr, defaults.WarmupBiasLr), ("nbs", Nbs, defaults.Nbs), ("cos_lr", CosLr ? "true" : "false", "false"),
                 ]);
    }

    /// <summary>The segment task's augmentation and loss keys: in range, and at their defaults for every other task.</summary>
    void ValidateSegmentKeys()
    {
        Require(double.IsFinite(ScaleMin) && ScaleMin > 0, "scale_min", ScaleMin, "a finite value > 0");
        Require(double.IsFinite(ScaleMax) && ScaleMax >= ScaleMin, "scale_max", ScaleMax, $"a finite value >= scale_min ({ScaleMin.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        Require(Rotation >= 0 && Rotation <= 180, "rotation", Rotation, "a value in [0, 180]");
        Require(Blur >= 0 && Blur <= 1, "blur", Blur, "a probability in [0, 1]");
        if (Task == "segment") return;
        var defaults = new TrainOptions();
        RequireDefaults($"the segment task's augmentation, not to the {Task} task",
        [
            ("scale_min", ScaleMin, defaults.ScaleMin), ("scale_max", ScaleMax, defaults.ScaleMax), ("rotation", Rotation, defaults.Rotation),
            ("blur", Blur, defaults.Blur), ("elastic", Elastic, defaults.Elastic),
        ]);
        RequireDefaults($"the segment task's loss, not to the {Task} task",
        [
            ("dice", Dice, defaults.Dice), ("class_weights", ClassWeights!, defaults.ClassWeights!), ("weight_map", WeightMap, defaults.WeightMap),
        ]);
    }

    /// <summary>Each key at its default, else an error saying the key belongs to <paramref name="owner"/>.</summary>
    static void RequireDefaults(string owner, (string Key, object Value, object Default)[] keys)
    {
        foreach (var (key, value, fallback) in keys)
            Require(Equals(value, fallback), key, value, $"its default {fallback}: the key belongs to {owner}");
    }

    /// <summary>The defaults of a run of <paramref name="task"/> with <paramref name="model"/> (null: the task's default
    /// model): what the options read from YAML and key=value start from. Each task states its recipe's defaults
    /// (<see cref="ITrainingTask.Defaults"/>); an unknown task or model gives the common defaults, for Validate to name.</summary>
    public static TrainOptions For(string task, string? model = null)
    {
        if (!TaskRegistry.Contains(task) || (model != null && !ModelRegistry.Contains(model))) return new TrainOptions { Task = task };
        var defaults = TaskRegistry.Get(task, model).Defaults;
        return model is null ? defaults : defaults with { Model = model };
    }

    /// <summary>The learning rate the run starts from (lr0, or the optimizer's default).</summary>
    public double InitialLr => Lr0 ?? (Optimizer == OptimizerKind.Sgd ? 0.05 : 0.001);

    static void Require(bool ok, string key, object? value, string expected)
    {
        if (!ok) throw new OptionsException(key, $"option '{key}' = {value ?? "null"}: expected {expected}");
    }
}

/// <summary>A bad training option; <see cref="Key"/> names it.</summary>
public sealed class OptionsException(string key, string message) : ArgumentException(message)
{
    public string Key { get; } = key;
}
