using System.CommandLine;
using Osprey.Models;
using Osprey.Models.Summary;
using Osprey.Torch;
using Osprey.Torch.Serialization;
using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey info NAME|CHECKPOINT</c>: a registered model's (or a trained run's) layer table and its layers /
/// parameters / gradients / GFLOPs; a model's own options with <c>--set key=value</c> (<c>--set width=16</c>). Any other
/// weights file (a plain .safetensors state dict, a torch .pt/.pth) is listed tensor by tensor.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("model")
        {
            Description = "A registered model name (yolo11n, yolo11s-multiseam, resnet50, unet, ...), a checkpoint written by osprey train (.ckpt), " +
                          "or a state dict (.safetensors, torch .pt/.pth)",
        };
        var classes = new Option<long?>("--classes") { Description = "Number of classes [default: the model's own, 80 for YOLO]" };
        var imageSize = new Option<long?>("--imgsz") { Description = "Square input size the GFLOPs are counted at [default: the model's, 640 for YOLO; a checkpoint's own]" };
        var fused = new Option<bool>("--fused") { Description = "Fold each Conv block's BatchNorm into its convolution first (YOLO models)" };
        var set = new Option<string[]>("--set")
        {
            Description = "key=value for one of the model's own options (a ResNet's width, small_stem; osprey cfg --model NAME lists them); repeatable",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("info",
            "Print a model's layer table and summary: layers (every distinct module object, containers included), parameters, " +
            "gradients (parameters that require grad) and GFLOPs. GFLOPs = 2 x the multiply-accumulates thop counts " +
            "(convolutions, linear layers, normalization, average pooling; activations, max-pooling and nearest up-sampling count 0) " +
            "for one image of --imgsz x --imgsz, on the unfused model unless --fused; YOLO models are counted in train mode as " +
            "ultralytics does (raw head maps, no box decoding). Given a checkpoint, the trained model as its run built it.")
        { name, classes, imageSize, fused, set };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(name)!, result.GetValue(classes), result.GetValue(imageSize), result.GetValue(fused),
                                                      result.GetValue(set) ?? [])));
        return command;
    }

    static int Run(string name, long? classes, long? imageSize, bool fused, string[] settings)
    {
        bool isCheckpoint = File.Exists(name) || name.EndsWith(".ckpt", StringComparison.OrdinalIgnoreCase);
        if (isCheckpoint && settings.Length + (classes != null ? 1 : 0) > 0)
            return Cli.Usage("info: a checkpoint's model is built as its run recorded it; --classes and --set apply to registered names");
        if (isCheckpoint) return IsTrainingCheckpoint(name) ? Checkpoint(name, imageSize, fused) : StateDict(name);
        var args = new ModelArgs(NumClasses: classes);
        foreach (var setting in settings)
        {
            int eq = setting.IndexOf('=');
            if (eq <= 0) return Cli.Usage($"--set {setting}: expected key=value");
            args = args.With(setting[..eq].Trim(), setting[(eq + 1)..].Trim());
        }
        try
        {
            Console.Write(ModelInfo.Format(ModelInfo.Describe(name, args, imageSize, fused)));
            return Cli.Ok;
        }
        catch (ArgumentException e)
        {
            return Cli.Usage($"info: {e.Message}");
        }
    }

    static bool IsTrainingCheckpoint(string path)
    {
        if (!File.Exists(path)) return true;   // TrainedModel.Load names the missing file
        using var scope = TensorScope.Begin();
        return TorchLoad.Load(path) is PickleDict root && root.TryGetValue("metadata", out var m) && m is PickleDict metadata &&
               metadata.TryGetValue("format", out var format) && format as string == TrainingCheckpointFormat.FormatName;
    }

    /// <summary>A weights file without a run: its tensors (as TorchLoad.LoadStateDict finds them) with dtypes and shapes.</summary>
    static int StateDict(string path)
    {
        using var scope = TensorScope.Begin();
        var tensors = TorchLoad.LoadStateDict(path);
        long values = tensors.Values.Sum(t => t.NumEl);
        Console.WriteLine(FormattableString.Invariant($"{path}: a state dict of {tensors.Count} tensors, {values:N0} values") +
                          " (no run information: osprey val and predict need a checkpoint written by osprey train)");
        int width = Math.Min(60, tensors.Keys.Max(k => k.Length));
        foreach (var (name, tensor) in tensors.OrderBy(p => p.Key, StringComparer.Ordinal))
            Console.WriteLine($"  {name.PadRight(width)}  {tensor.DType.Name(),-9} [{string.Join(", ", tensor.Shape)}]");
        return Cli.Ok;
    }

    static int Checkpoint(string path, long? imageSize, bool fused)
    {
        using var trained = TrainedModel.Load(path);
        var info = trained.Info;
        Console.WriteLine($"{path}: {info.Task} run of {info.Model}, epoch {trained.Epoch}{(trained.UsesEma ? ", EMA weights" : "")}; " +
                          $"{info.Classes.Count} classes [{string.Join(", ", info.Classes)}]; {info.InChannels}x{info.ImageSize}x{info.ImageSize} inputs");
        if (info.ModelOptions.Count > 0)
            Console.WriteLine("model options: " + string.Join(", ", info.ModelOptions.Select(p => $"{p.Key}={p.Value}")));
        Console.Write(ModelInfo.Format(ModelInfo.Describe(info.Model, trained.Model, info.InChannels, imageSize ?? info.ImageSize, fused)));
        return Cli.Ok;
    }
}
