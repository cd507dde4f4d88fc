using System.Runtime.CompilerServices;

namespace Osprey.Torch.Native;

internal static class ModuleInit
{
    [ModuleInitializer]
    internal static void Init() => NativeLoader.Register();
}
