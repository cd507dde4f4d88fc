namespace Osprey.Torch.Serialization;

/// <summary>The pickle opcodes (protocols 2-5) the reader and writer use, by their CPython names.</summary>
internal static class PickleOpcodes
{
    public const byte Mark = (byte)'(', Stop = (byte)'.', Pop = (byte)'0', PopMark = (byte)'1', Dup = (byte)'2';
    public const byte BinInt = (byte)'J', BinInt1 = (byte)'K', BinInt2 = (byte)'M', Long1 = 0x8a, Long4 = 0x8b;
    public const byte None = (byte)'N', NewTrue = 0x88, NewFalse = 0x89, BinFloat = (byte)'G';
    public const byte BinUnicode = (byte)'X', ShortBinUnicode = 0x8c, BinUnicode8 = 0x8d;
    public const byte BinString = (byte)'T', ShortBinString = (byte)'U';
    public const byte BinBytes = (byte)'B', ShortBinBytes = (byte)'C', BinBytes8 = 0x8e, ByteArray8 = 0x96;
    public const byte EmptyTuple = (byte)')', Tuple = (byte)'t', Tuple1 = 0x85, Tuple2 = 0x86, Tuple3 = 0x87;
    public const byte EmptyList = (byte)']', Append = (byte)'a', Appends = (byte)'e', List = (byte)'l';
    public const byte EmptyDict = (byte)'}', SetItem = (byte)'s', SetItems = (byte)'u', Dict = (byte)'d';
    public const byte EmptySet = 0x8f, AddItems = 0x90, FrozenSet = 0x91;
    public const byte Global = (byte)'c', StackGlobal = 0x93;
    public const byte Reduce = (byte)'R', Build = (byte)'b', NewObj = 0x81, NewObjEx = 0x92;
    public const byte BinPut = (byte)'q', LongBinPut = (byte)'r', Memoize = 0x94, BinGet = (byte)'h', LongBinGet = (byte)'j';
    public const byte BinPersId = (byte)'Q', Proto = 0x80, Frame = 0x95;

    /// <summary>Opcodes we know but do not accept, with the reason given in the error.</summary>
    public static string? Refusal(byte op) => op switch
    {
        (byte)'i' or (byte)'o' => "protocol 0/1 instance creation (INST/OBJ) is not supported",
        0x82 or 0x83 or 0x84 => "the copyreg extension registry (EXT1/2/4) is not supported",
        0x97 or 0x98 => "out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not supported",
        (byte)'P' => "text persistent ids (PERSID) are not supported",
        (byte)'I' or (byte)'L' or (byte)'F' or (byte)'S' or (byte)'V' or (byte)'p' or (byte)'g' =>
            "protocol 0 text opcodes are not supported (torch.save writes protocol 2)",
        _ => null,
    };
}
