namespace Osprey.Data.Images;

/// <summary>A class colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>
    /// The PASCAL VOC colour map (the devkit's bit-interleaving: bit k of the class id sets bit 7 - k/3 of R, G or B),
    /// for <paramref name="count"/> classes; it also colours datasets that bring no palette of their own.
    /// </summary>
    public static Rgb[] VocColormap(int count)
    {
        var colours = new Rgb[count];
        for (int id = 0; id < count; id++)
        {
            int r = 0, g = 0, b = 0, c = id;
            for (int shift = 7; shift >= 0 && c > 0; shift--, c >>= 3)
            {
                r |= (c & 1) << shift;
                g |= ((c >> 1) & 1) << shift;
                b |= ((c >> 2) & 1) << shift;
            }
            colours[id] = new Rgb((byte)r, (byte)g, (byte)b);
        }
        return colours;
    }
}
