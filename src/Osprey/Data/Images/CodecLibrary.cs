using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Osprey.Torch.Native;

namespace Osprey.Data.Images;

/// <summary>Resolves the codec DllImports to libosprey_codecs.so, our C wrapper over libpng and libjpeg-turbo.</summary>
internal static class CodecLibrary
{
    public const string Name = "osprey_codecs";

    static readonly LocatedLibrary library = new("libosprey_codecs.so", "OSPREY_CODECS",
        "Build it with scripts/setup.sh (installs libpng-dev and libturbojpeg0-dev, builds native/), or set OSPREY_CODECS to its path.");

    public static string? LoadedFrom => library.LoadedFrom;

    // The resolver must be in place before this assembly's first P/Invoke, whoever makes it (see Osprey.Torch's ModuleInit).
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(CodecLibrary).Assembly, Resolve);

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name == Name ? library.Handle : IntPtr.Zero;
}
