using System.Globalization;
using System.Reflection;
using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary>
/// Every training option key with its type, default and meaning, for <c>osprey cfg</c> and <c>train --help</c>: keys
/// and defaults from <see cref="OptionsReader"/>, types by reflection over <see cref="TrainOptions"/>, meanings from the
/// table below (a key missing from it is shown as undescribed, and a CLI test fails).
/// </summary>
public static class TrainingKeys
{
    public sealed record Key(string Name, string Type, string? Default, string Meaning);

    public const string Undescribed = "(undescribed)";

    static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["task"] = "what the model learns: " + string.Join(", ", TaskRegistry.Names),
        ["model"] = "a registered model name (osprey info lists them); must be one of the task's",
        ["data"] = "the task's dataset: fashion-mnist, mnist:<dir>, or a folder with train/ and val/ class folders",
        ["epochs"] = "passes over the training set",
        ["batch"] = "images per training step (validation uses twice as many)",
        ["imgsz"] = "square input side in pixels; null: the dataset's own (28 for Fashion-MNIST), else the model's default",
        ["weights"] = "start from these weights (fine-tuning): an Osprey .ckpt, a .safetensors state dict or a torch.save .pt/.pth; " +
                      "tensors whose name and shape match load, the rest is reported",
        ["freeze"] = "freeze the first N layers, or the layers listed by index or module name (e.g. 10, or backbone, or layer1,layer2)",
        ["fraction"] = "train on this fraction of the training set (a seeded, fixed subset), for quick runs",
        ["optimizer"] = "sgd (with momentum), adamw, or auto (detect/YOLO only: ultralytics' rule, SGD lr 0.01 for runs over 10,000 iterations, else AdamW with lr 0.002*5/(4+classes))",
        ["lr0"] = "initial learning rate; null: 0.05 for SGD, 0.001 for AdamW",
        ["lrf"] = "final learning rate as a fraction of lr0 (cosine's eta_min; poly's eta_min, mmsegmentation's PolyLR)",
        ["schedule"] = "learning-rate decay after warmup: cosine, linear, constant or poly (mmsegmentation's PolyLR, per iteration)",
        ["momentum"] = "SGD momentum (AdamW: beta1)",
        ["nesterov"] = "Nesterov momentum for SGD",
        ["weight_decay"] = "L2 decay of convolution and linear weights (norms and biases get none)",
        ["warmup_epochs"] = "epochs of linear learning-rate warmup (fractions allowed)",
        ["warmup_start_factor"] = "warmup starts at this fraction of lr0",
        ["label_smoothing"] = "cross-entropy label smoothing",
        ["grad_clip"] = "clip the gradients' joint L2 norm to this (0: no clipping)",
        ["amp"] = "bf16 mixed precision: the forward and loss under bf16 autocast, float32 weights and gradients (fast on AVX512-BF16/AMX CPUs)",
        ["ema"] = "keep an exponential moving average of the weights; validation and checkpoints' eval weights use it",
        ["ema_decay"] = "the EMA's decay",
        ["ema_tau"] = "the EMA's warmup: decay * (1 - exp(-updates / tau))",
        ["fliplr"] = "horizontal flip probability in training",
        ["sync_bn"] = "data-parallel runs: batch norm with the statistics of all ranks' batches (torch.nn.SyncBatchNorm)",
        ["dist_timeout"] = "data-parallel runs: seconds a collective waits for a peer before the run stops (a killed peer is noticed at once)",
        ["crop_pad"] = "pad each side by this many pixels, then crop back at a random place (training)",
        ["scale"] = "classify: random-resized-crop minimum area fraction (training; 1: plain resize); detect (YOLO): random-perspective scale gain, sizes drawn in [1-scale, 1+scale]",
        ["hsv_h"] = "detect (YOLO): hue augmentation gain (fraction)",
        ["hsv_s"] = "detect (YOLO): saturation augmentation gain (fraction)",
        ["hsv_v"] = "detect (YOLO): value (brightness) augmentation gain (fraction)",
        ["degrees"] = "detect (YOLO): random rotation, +/- degrees",
        ["translate"] = "detect (YOLO): random translation, +/- fraction of the image side",
        ["shear"] = "detect (YOLO): random shear, +/- degrees",
        ["perspective"] = "detect (YOLO): random perspective, +/- fraction (0..0.001)",
        ["flipud"] = "detect (YOLO): vertical flip probability",
        ["mosaic"] = "detect (YOLO): probability of a 4-image mosaic",
        ["mixup"] = "detect (YOLO): probability of mixing in a second (mosaic) image",
        ["close_mosaic"] = "detect (YOLO): mosaic and mixup end at epoch epochs - close_mosaic (never when the run is shorter; 0: never)",
        ["warmup_momentum"] = "detect (YOLO): SGD momentum at the start of the warm-up",
        ["warmup_bias_lr"] = "detect (YOLO): bias learning rate at the start of the warm-up (auto sets it to 0, as ultralytics)",
        ["nbs"] = "detect (YOLO): nominal batch: gradients accumulate to it and weight decay scales by batch*accumulate/nbs",
        ["cos_lr"] = "detect (YOLO): cosine decay from lr0 to lr0*lrf instead of ultralytics' linear one",
        ["workers"] = "data-loading threads (batches do not depend on it)",
        ["seed"] = "random seed: shuffle, augmentation, initialization",
        ["val"] = "validate after every epoch (best.ckpt follows the task's fitness)",
        ["val_interval"] = "validate every N epochs and always after the last one (mmsegmentation's val_interval); the epochs between keep no metrics",
        ["patience"] = "stop when the fitness has not improved for this many epochs (0: never)",
        ["project"] = "runs go to <project>/<task>/<name>",
        ["name"] = "run folder name; null: train, train2, ... (the first free one)",
        ["exist_ok"] = "reuse the folder of an existing run of the same name, overwriting its files",
        ["power"] = "exponent of the poly schedule: (lr0 - eta_min) (1 - t/T)^power + eta_min (PSPNet: 0.9)",
        ["aux_weight"] = "segment (PSPNet): weight of the auxiliary head's cross entropy in the loss (the PSPNet paper: 0.4)",
        ["dice"] = "segment: weight of a soft Dice term (segmentation_models_pytorch's multiclass DiceLoss) added to the cross entropy; 0: none",
        ["class_weights"] = "segment: cross-entropy class weights, comma-separated, one per class in id order (background first); null: all 1",
        ["weight_map"] = "segment: weigh the cross entropy by the UNet paper's weight map (w0 10, sigma 5 px; cells: the connected regions of each class)",
        ["scale_min"] = "segment: smallest random scale of a training image (PSPNet: 0.5)",
        ["scale_max"] = "segment: largest random scale of a training image (PSPNet: 2)",
        ["rotation"] = "segment: random rotation by up to +/- this many degrees, with probability 0.5 (PSPNet: 10; 0: none)",
        ["blur"] = "segment: probability of a 5x5 Gaussian blur (PSPNet: 0.5)",
        ["elastic"] = "segment: the UNet paper's elastic deformation before the other augmentations",
    };

    static readonly Dictionary<string, PropertyInfo> Properties = typeof(TrainOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite).ToDictionary(p => p.Name.ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>The training keys in declaration order.</summary>
    public static IReadOnlyList<Key> All()
    {
        var defaults = OptionsReader.ToPairs(new TrainOptions()).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return OptionsReader.Keys.Select(k => new Key(k, TypeOf(k), defaults.GetValueOrDefault(k), Meanings.GetValueOrDefault(k, Undescribed))).ToList();
    }

    /// <summary>" [default: X]" for a flag's help text (the text form of the key's default; null reads "chosen from the data"),
    /// or " [default: classify X, segment Y, ...]" when the tasks' recipes differ.</summary>
    public static string Default(string key)
    {
        var values = TaskRegistry.Names.Select(t => (Task: t, Value: OptionsReader.ToPairs(TrainOptions.For(t)).FirstOrDefault(p => p.Key == key).Value)).ToList();
        if (key == "task" || values.All(v => v.Value == values[0].Value))
            return values[0].Value is { } common ? $" [default: {common}]" : "";
        return $" [default: {string.Join(", ", values.Select(v => $"{v.Task} {v.Value ?? "from the data"}"))}]";
    }

    static string TypeOf(string key)
    {
        if (!Properties.TryGetValue(key.Replace("_", ""), out var property)) return "text";
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var name = type == typeof(int) || type == typeof(long) ? "integer"
            : type == typeof(double) || type == typeof(float) ? "number"
            : type == typeof(bool) ? "bool"
            : type.IsEnum ? string.Join("|", Enum.GetNames(type).Select(n => n.ToLower(CultureInfo.InvariantCulture)))
            : "text";
        bool nullable = Nullable.GetUnderlyingType(property.PropertyType) != null
                        || (!property.PropertyType.IsValueType && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable);
        return nullable ? name + "?" : name;
    }
}
