namespace Osprey.Data;

/// <summary>
/// A dataset that can decode just a region of a sample's image, picked from the image's size before any pixel is
/// decoded. The <see cref="DataLoader"/> uses it when the transform starts with a crop
/// (<see cref="Transforms.ICropFirstTransform"/>): a random-resized crop then decodes only what it keeps.
/// </summary>
public interface IRegionDataset : IDataset<Sample>
{
    /// <summary>Sample <paramref name="index"/> with its image cropped to choose(height, width): the pixels
    /// <see cref="IDataset{TSample}.Get"/> would give, cropped; OriginalSize is the whole image's.</summary>
    Sample Get(int index, Func<long, long, PixelRegion> choose);
}
