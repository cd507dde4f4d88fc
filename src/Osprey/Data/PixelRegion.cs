namespace Osprey.Data;

/// <summary>A rectangle of an image in pixels: its top row, left column, height and width.</summary>
public readonly record struct PixelRegion(long Top, long Left, long Height, long Width)
{
    /// <summary>Throws <see cref="ArgumentException"/> unless the region is non-empty and inside an image of height x width.</summary>
    public PixelRegion Inside(long height, long width) =>
        Top >= 0 && Left >= 0 && Height > 0 && Width > 0 && Top + Height <= height && Left + Width <= width
            ? this
            : throw new ArgumentException($"region top {Top}, left {Left}, {Height} x {Width} is not inside the {height} x {width} image");
}
