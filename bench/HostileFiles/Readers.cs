using Osprey.Data.Datasets;
using Osprey.Data.Images;
using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace HostileFiles;

/// <summary>The readers a user points at a file, and which exceptions count as a clean refusal.</summary>
static class Readers
{
    /// <summary>Opens <paramref name="file"/> with the named reader and releases what it built; returns a short description.</summary>
    public static string Open(string reader, string file)
    {
        using var scope = TensorScope.Begin();
        switch (reader)
        {
            case "torch":
                return Containers(TorchLoad.Load(file));
            case "state-dict":
                return $"{TorchLoad.LoadStateDict(file).Count} tensors";
            case "checkpoint":
                using (var checkpoint = TrainingCheckpoint.Load(file)) return $"{checkpoint.Model.Count} model tensors, epoch {checkpoint.Epoch}";
            case "image":
                return ImageCodec.Read(file).Describe();
            case "image-region": // the central quarter, as a random-resized crop's loader asks for it
                return ImageCodec.ReadRegion(file, ImageReadMode.Rgb,
                    (h, w) => new Osprey.Data.PixelRegion(h / 4, w / 4, Math.Max(1, h / 2), Math.Max(1, w / 2)), out _).Describe();
            case "folder":
                var dataset = new ImageFolderDataset(file);
                for (int i = 0; i < dataset.Count; i++) dataset.Get(i).Image.Dispose();
                return $"{dataset.Count} images";
            default:
                throw new ArgumentException($"unknown reader '{reader}' (torch, state-dict, checkpoint, image, image-region, folder)");
        }
    }

    /// <summary>A clean refusal: an exception type the readers document, naming the file.</summary>
    public static bool IsRefusal(Exception e) =>
        e is TorchException or ImageDecodeException or InvalidDataException or IOException;

    static string Containers(object? root) => root switch
    {
        PickleDict d => $"dict of {d.Count}",
        List<object?> l => $"list of {l.Count}",
        null => "None",
        _ => root.GetType().Name,
    };
}
