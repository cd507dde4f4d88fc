using System.Runtime.CompilerServices;

namespace Osprey.Torch.Native;

internal static class ModuleInit
{
    // The DllImport resolver must be in place before any P/Invoke of this assembly runs, whoever calls first: a
    // library's module initializer is the one hook that guarantees it.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void Init() => NativeLoader.Register();
#pragma warning restore CA2255
}
