namespace Osprey.Data.Datasets;

/// <summary>Fashion-MNIST (and MNIST) from idx files; by default Debian's dataset-fashion-mnist package.</summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static readonly IReadOnlyList<string> MnistClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>The 60000-image training split.</summary>
    public static IdxDataset Train(string directory = DefaultDirectory) => Load(directory, "train", ClassNames);

    /// <summary>The 10000-image test split.</summary>
    public static IdxDataset Test(string directory = DefaultDirectory) => Load(directory, "t10k", ClassNames);

    /// <summary>MNIST digits from a folder holding the same file names (train-/t10k-images-idx3-ubyte[.gz], ...).</summary>
    public static IdxDataset Mnist(string directory, bool train) => Load(directory, train ? "train" : "t10k", MnistClassNames);

    static IdxDataset Load(string directory, string split, IReadOnlyList<string> classes)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"idx dataset folder {directory} does not exist" +
                (directory == DefaultDirectory ? " (install it with: apt-get install dataset-fashion-mnist)" : ""));
        return new IdxDataset(Find(directory, $"{split}-images-idx3-ubyte"), Find(directory, $"{split}-labels-idx1-ubyte"), classes);
    }

    static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{directory} has neither {name}.gz nor {name}", Path.Combine(directory, name + ".gz"));
    }
}
