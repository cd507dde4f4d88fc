using Osprey.Data.Images;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Datasets;

/// <summary>
/// ImageNet-style folders: <c>root/&lt;class&gt;/**/&lt;image&gt;</c>. Classes are the sorted (ordinal) sub-folder names,
/// their index is the label; files are listed recursively and sorted, as torchvision's ImageFolder does. Files at the
/// root and hidden files (".DS_Store") are ignored; any other file that is not a .png/.jpg/.jpeg, and any class folder
/// without images, is an error naming it, found when the dataset is opened rather than mid-epoch. Decoding happens in
/// <see cref="Get"/> (by content, not by extension); a corrupt file there raises <see cref="ImageDecodeException"/> naming it.
/// Every listed file must be a regular file (symlinks are followed): FIFOs, devices and sockets are refused when listed.
/// </summary>
public sealed class ImageFolderDataset : IClassificationDataset, IRegionDataset
{

    readonly (string Path, int Label)[] files;
    readonly ImageReadMode mode;

    public string Root { get; }
    public IReadOnlyList<string> Classes { get; }
    public int Count => files.Length;

    /// <param name="mode">Channel layout of the decoded images (RGB by default, so gray photos get 3 channels too).</param>
    public ImageFolderDataset(string root, ImageReadMode mode = ImageReadMode.Rgb)
    {
        Root = Path.GetFullPath(root);
        this.mode = mode;
        if (!Directory.Exists(Root))
            throw new DirectoryNotFoundException(File.Exists(Root)
                ? $"image folder dataset: {Root} is a file, expected a folder with one sub-folder per class"
                : $"image folder dataset: {Root} does not exist");
        var classDirs = Directory.GetDirectories(Root).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0)
            throw new InvalidDataException($"image folder dataset: {Root} has no class sub-folders (expected {Root}/<class>/<image>)");
        Classes = classDirs.Select(Path.GetFileName).ToArray()!;
        var list = new List<(string, int)>();
        for (int label = 0; label < classDirs.Length; label++)
        {
            int before = list.Count;
            // torchvision's order: folders sorted by path (a folder's own files before its sub-folders'), files sorted by name.
            var classFiles = Directory.EnumerateFiles(classDirs[label], "*", SearchOption.AllDirectories)
                .OrderBy(Path.GetDirectoryName, StringComparer.Ordinal).ThenBy(Path.GetFileName, StringComparer.Ordinal);
            foreach (var file in classFiles)
            {
                if (IsHidden(file)) continue;
                if (!ImageFiles.IsImageName(file))
                    throw new InvalidDataException($"image folder dataset: {file} is not an image (expected {string.Join(", ", ImageFiles.Extensions)}); " +
                                                   "move it out of the class folders");
                // A FIFO would hang a loader worker for ever, a link to /dev/zero would read without end.
                if (UntrustedFile.NotRegularReason(file) is { } reason)
                    throw new InvalidDataException($"image folder dataset: {file} {reason.Replace(file + ": ", "")}; only regular files are read");
                list.Add((file, label));
            }
            if (list.Count == before)
                throw new InvalidDataException($"image folder dataset: class folder {classDirs[label]} contains no images");
        }
        files = list.ToArray();
    }

    static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    public string PathOf(int index) => files[CheckIndex(index)].Path;

    public Sample Get(int index)
    {
        var (path, label) = files[CheckIndex(index)];
        return new Sample(ImageCodec.Read(path, mode)) { Label = label, Source = path };
    }

    public Sample Get(int index, Func<long, long, PixelRegion> choose)
    {
        var (path, label) = files[CheckIndex(index)];
        var image = ImageCodec.ReadRegion(path, mode, choose, out var size);
        return new Sample(image) { Label = label, Source = path, OriginalSize = size };
    }

    int CheckIndex(int index) => (uint)index < (uint)files.Length
        ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"image folder dataset {Root} has {files.Length} images");
}
