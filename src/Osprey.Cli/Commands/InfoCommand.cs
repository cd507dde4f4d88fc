using System.CommandLine;
using Osprey.Models;
using Osprey.Models.Summary;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey info NAME</c>: a registered model's layer table and its layers / parameters / gradients / GFLOPs.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "A registered model name (yolo11n, yolo11s-multiseam, resnet50, unet, ...)" };
        var classes = new Option<long?>("--classes") { Description = "Number of classes (default: the model's own, 80 for YOLO)" };
        var imageSize = new Option<long?>("--imgsz") { Description = "Square input size the GFLOPs are counted at (default: the model's, 640 for YOLO)" };
        var fused = new Option<bool>("--fused") { Description = "Fold each Conv block's BatchNorm into its convolution first (YOLO models)" };
        var command = new Command("info",
            "Print a model's layer table and summary: layers (every distinct module object, containers included), parameters, " +
            "gradients (parameters that require grad) and GFLOPs. GFLOPs = 2 x the multiply-accumulates thop counts " +
            "(convolutions, linear layers, normalization, average pooling; activations, max-pooling and nearest up-sampling count 0) " +
            "for one image of --imgsz x --imgsz, on the unfused model unless --fused; YOLO models are counted in train mode as " +
            "ultralytics does (raw head maps, no box decoding).")
        { name, classes, imageSize, fused };
        command.SetAction(result => Run(result.GetValue(name)!, result.GetValue(classes), result.GetValue(imageSize), result.GetValue(fused)));
        return command;
    }

    static int Run(string name, long? classes, long? imageSize, bool fused)
    {
        try
        {
            Console.Write(ModelInfo.Format(ModelInfo.Describe(name, classes, imageSize, fused)));
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"osprey info: {e.Message}");
            return 2;
        }
    }
}
