// Compiled three times: by MSBuild's RoslynCodeTaskFactory (build/LibTorchSharpCompat.targets), against
// netstandard2.0; into src/Robustness.Models with ROBUSTNESS_RUNTIME_LOADER defined (the runtime loader,
// TorchRuntime.EnsureLoadable); and into tests/Robustness.Build.Tests with ROBUSTNESS_BUILD_TESTS defined.
// The last two leave out the MSBuild task class. Keep it to netstandard2.0 APIs. See docs/libtorchsharp-glibcxx.md.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Robustness.Build
{
#if !ROBUSTNESS_BUILD_TESTS && !ROBUSTNESS_RUNTIME_LOADER
    /// <summary>
    /// MSBuild task: rewrites each given libLibTorchSharp.so so that it loads with a libstdc++ older
    /// than GCC 13. Mode "auto" patches only when the system libstdc++ lacks GLIBCXX_3.4.32;
    /// "always" patches regardless.
    /// </summary>
    public sealed class PatchLibTorchSharpGlibcxx : Microsoft.Build.Utilities.Task
    {
        /// <summary>The libLibTorchSharp.so copies in an output folder.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>auto or always.</summary>
        [Microsoft.Build.Framework.Required]
        public string Mode { get; set; } = "auto";

        /// <inheritdoc />
        public override bool Execute()
        {
            const string Prefix = "LibTorchSharp GLIBCXX compat: ";
            if (Mode != "auto" && Mode != "always")
            {
                Log.LogError(Prefix + "RobustnessLibTorchSharpCompat='" + Mode + "' is not known: use auto, always or never.");
                return false;
            }

            if (Mode == "auto")
            {
                string? system = GlibcxxCompat.FindSystemLibstdcxx();
                if (system == null)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        Prefix + "no system libstdc++.so.6 found in the usual folders; patching to be safe.");
                }
                else
                {
                    bool has;
                    try
                    {
                        has = GlibcxxCompat.DefinesVersion(system, GlibcxxCompat.NewVersion);
                    }
                    catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            Prefix + "could not read the version definitions of " + system + " (" + e.Message + "); patching to be safe.");
                        has = false;
                    }

                    if (has)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                            Prefix + system + " provides " + GlibcxxCompat.NewVersion + "; " + Files.Length + " libLibTorchSharp.so file(s) left as they are.");
                        return true;
                    }
                }
            }

            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    GlibcxxPatchResult result = GlibcxxCompat.PatchFile(path);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, Prefix + path + ": " + result.Message);
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError(null, "ROB0001", null, path, 0, 0, 0, 0,
                        Prefix + "cannot patch " + path + ": " + e.Message);
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif

    /// <summary>What <see cref="GlibcxxCompat.PatchImage"/> did.</summary>
    internal enum GlibcxxPatchStatus
    {
        /// <summary>The GLIBCXX_3.4.32 requirement was redirected to GLIBCXX_3.4.30.</summary>
        Patched,

        /// <summary>An earlier run already redirected it.</summary>
        AlreadyPatched,

        /// <summary>The file never required GLIBCXX_3.4.32 from libstdc++.so.6.</summary>
        NotRequired,
    }

    /// <summary>Outcome of one patch, with a message for the build log.</summary>
    internal sealed class GlibcxxPatchResult
    {
        public GlibcxxPatchResult(GlibcxxPatchStatus status, string message, IReadOnlyList<string> symbols)
        {
            Status = status;
            Message = message;
            Symbols = symbols;
        }

        public GlibcxxPatchStatus Status { get; }

        public string Message { get; }

        /// <summary>Dynamic symbols whose version was set to global (index 1).</summary>
        public IReadOnlyList<string> Symbols { get; }
    }

    /// <summary>
    /// Rewrites the ELF symbol versioning of libLibTorchSharp.so: (a) the libstdc++.so.6 auxiliary
    /// entry named GLIBCXX_3.4.32 in .gnu.version_r is pointed at the .dynstr string GLIBCXX_3.4.30
    /// and given that string's ELF hash; (b) every .gnu.version entry that used the old version
    /// index (only _ZSt21ios_base_library_initv is allowed) is set to 1 (global).
    /// Handles 64-bit little-endian ELF files, the only kind TorchSharp ships for Linux.
    /// </summary>
    internal static class GlibcxxCompat
    {
        public const string NewVersion = "GLIBCXX_3.4.32";
        public const string OldVersion = "GLIBCXX_3.4.30";
        public const string Library = "libstdc++.so.6";
        public const string AllowedSymbol = "_ZSt21ios_base_library_initv";

        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;

        /// <summary>Patches the file through a temporary copy that replaces it (hard links are broken, permissions kept).</summary>
        public static GlibcxxPatchResult PatchFile(string path)
        {
            byte[] image = File.ReadAllBytes(path);
            GlibcxxPatchResult result = PatchImage(image, path);
            if (result.Status != GlibcxxPatchStatus.Patched)
            {
                return result;
            }

            string temp = path + ".robustness-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                // File.Copy keeps the file mode; the rename then swaps in a new inode atomically.
                File.Copy(path, temp, true);
                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    stream.Write(image, 0, image.Length);
                    stream.SetLength(image.Length);
                    stream.Flush(true);
                }

                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }

            return result;
        }

        /// <summary>Patches an in-memory ELF image; <paramref name="name"/> only names it in errors.</summary>
        public static GlibcxxPatchResult PatchImage(byte[] image, string name)
        {
            var elf = new Elf(image, name);
            Section? verneed = elf.FindSection(ShtGnuVerneed);
            if (verneed == null)
            {
                return new GlibcxxPatchResult(GlibcxxPatchStatus.NotRequired, "no .gnu.version_r section; nothing to do", Array.Empty<string>());
            }

            Section verneedStrings = elf.Linked(verneed);
            long targetAux = -1;
            long oldAux = -1;
            int oldCount = 0;
            bool libraryFound = false;
            long entry = verneed.Offset;
            for (uint i = 0; i < verneed.Info; i++)
            {
                elf.Require(entry, 16, ".gnu.version_r entry");
                ushort auxCount = elf.U16(entry + 2);
                string file = elf.String(verneedStrings, elf.U32(entry + 4));
                if (file == Library)
                {
                    libraryFound = true;
                    long aux = entry + elf.U32(entry + 8);
                    for (int j = 0; j < auxCount; j++)
                    {
                        elf.Require(aux, 16, ".gnu.version_r auxiliary entry");
                        string version = elf.String(verneedStrings, elf.U32(aux + 8));
                        if (version == NewVersion)
                        {
                            targetAux = aux;
                        }
                        else if (version == OldVersion)
                        {
                            oldCount++;
                            if (oldAux < 0)
                            {
                                oldAux = aux;
                            }
                        }

                        uint nextAux = elf.U32(aux + 12);
                        if (nextAux == 0)
                        {
                            break;
                        }

                        aux += nextAux;
                    }
                }

                uint next = elf.U32(entry + 12);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }

            if (targetAux < 0)
            {
                string why = !libraryFound
                    ? "it needs nothing from " + Library
                    : oldCount > 1
                        ? "already patched (" + NewVersion + " requirement points at " + OldVersion + ")"
                        : "it does not require " + NewVersion;
                var status = oldCount > 1 ? GlibcxxPatchStatus.AlreadyPatched : GlibcxxPatchStatus.NotRequired;
                return new GlibcxxPatchResult(status, why + "; nothing to do", Array.Empty<string>());
            }

            if (oldAux < 0)
            {
                throw new InvalidDataException(name + ": the " + Library + " requirements hold " + NewVersion + " but no " + OldVersion + " entry to point it at");
            }

            ushort versionIndex = (ushort)(elf.U16(targetAux + 6) & 0x7fff);
            var symbols = new List<string>();
            var symbolIndices = new List<long>();
            Section? versym = elf.FindSection(ShtGnuVersym);
            Section? dynsym = elf.FindSection(ShtDynsym);
            if (versym != null)
            {
                if (dynsym == null)
                {
                    throw new InvalidDataException(name + ": .gnu.version present without .dynsym");
                }

                Section symbolStrings = elf.Linked(dynsym);
                long count = Math.Min(versym.Size / 2, dynsym.Size / 24);
                elf.Require(versym.Offset, count * 2, ".gnu.version");
                elf.Require(dynsym.Offset, count * 24, ".dynsym");
                for (long s = 0; s < count; s++)
                {
                    long at = versym.Offset + (s * 2);
                    if ((elf.U16(at) & 0x7fff) == versionIndex)
                    {
                        string symbol = elf.String(symbolStrings, elf.U32(dynsym.Offset + (s * 24)));
                        if (symbol != AllowedSymbol)
                        {
                            throw new InvalidDataException(name + ": symbol '" + symbol + "' is bound to " + NewVersion
                                + "; only " + AllowedSymbol + " can be redirected safely, so the file was left unchanged");
                        }

                        symbols.Add(symbol);
                        symbolIndices.Add(at);
                    }
                }
            }

            // (a) point the requirement at the GLIBCXX_3.4.30 string and give it that string's hash.
            elf.WriteU32(targetAux + 8, elf.U32(oldAux + 8));
            elf.WriteU32(targetAux, ElfHash(OldVersion));

            // (b) the symbols that used it become unversioned (global).
            foreach (long at in symbolIndices)
            {
                elf.WriteU16(at, 1);
            }

            string what = symbols.Count == 0 ? "no symbol used it" : string.Join(", ", symbols) + " made global";
            return new GlibcxxPatchResult(GlibcxxPatchStatus.Patched,
                "patched: " + Library + " requirement " + NewVersion + " now reads " + OldVersion + " (" + what + ")", symbols);
        }

        /// <summary>The names a shared library defines in .gnu.version_d (e.g. GLIBCXX_3.4.30).</summary>
        public static IReadOnlyList<string> DefinedVersions(byte[] image, string name)
        {
            var elf = new Elf(image, name);
            var versions = new List<string>();
            Section? verdef = elf.FindSection(ShtGnuVerdef);
            if (verdef == null)
            {
                return versions;
            }

            Section strings = elf.Linked(verdef);
            long entry = verdef.Offset;
            for (uint i = 0; i < verdef.Info; i++)
            {
                elf.Require(entry, 20, ".gnu.version_d entry");
                ushort auxCount = elf.U16(entry + 6);
                if (auxCount > 0)
                {
                    long aux = entry + elf.U32(entry + 12);
                    elf.Require(aux, 8, ".gnu.version_d auxiliary entry");
                    versions.Add(elf.String(strings, elf.U32(aux)));
                }

                uint next = elf.U32(entry + 16);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }

            return versions;
        }

        /// <summary>Whether the shared library at <paramref name="path"/> defines <paramref name="version"/>.</summary>
        public static bool DefinesVersion(string path, string version)
        {
            return DefinedVersions(File.ReadAllBytes(path), path).Contains(version);
        }

        /// <summary>
        /// The libstdc++.so.6 the dynamic loader would most likely pick: LD_LIBRARY_PATH first, then
        /// the usual multiarch and lib64 folders. Null when none is found.
        /// </summary>
        public static string? FindSystemLibstdcxx()
        {
            var folders = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
            {
                folders.AddRange(ldPath!.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
            }

            string triplet = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            folders.AddRange(new[]
            {
                "/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/lib64", "/usr/local/lib64", "/usr/local/lib", "/usr/lib", "/lib",
            });
            foreach (string folder in folders)
            {
                string candidate = Path.Combine(folder, Library);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>The System V ELF hash of a version name, as stored in vna_hash.</summary>
        public static uint ElfHash(string text)
        {
            uint h = 0;
            foreach (byte c in Encoding.ASCII.GetBytes(text))
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0)
                {
                    h ^= g >> 24;
                }

                h &= ~g;
            }

            return h;
        }

        private sealed class Section
        {
            public Section(uint type, long offset, long size, uint link, uint info)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
            }

            public uint Type { get; }

            public long Offset { get; }

            public long Size { get; }

            public uint Link { get; }

            public uint Info { get; }
        }

        /// <summary>A bounds-checked view of a 64-bit little-endian ELF image.</summary>
        private sealed class Elf
        {
            private readonly byte[] _image;
            private readonly string _name;
            private readonly List<Section> _sections = new List<Section>();

            public Elf(byte[] image, string name)
            {
                _image = image;
                _name = name;
                if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                {
                    throw new InvalidDataException(name + ": not an ELF file (expected magic 7F 45 4C 46)");
                }

                if (image[4] != 2 || image[5] != 1)
                {
                    throw new InvalidDataException(name + ": expected a 64-bit little-endian ELF file, found class " + image[4] + ", data " + image[5]);
                }

                long shoff = (long)U64(0x28);
                ushort shentsize = U16(0x3a);
                ushort shnum = U16(0x3c);
                if (shentsize != 64)
                {
                    throw new InvalidDataException(name + ": section header size " + shentsize + ", expected 64");
                }

                Require(shoff, (long)shnum * 64, "section header table");
                for (int i = 0; i < shnum; i++)
                {
                    long h = shoff + (i * 64L);
                    var section = new Section(U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), U32(h + 44));
                    if (section.Type != 8)
                    {
                        // SHT_NOBITS (8) occupies no bytes in the file.
                        Require(section.Offset, section.Size, "section " + i);
                    }

                    _sections.Add(section);
                }
            }

            public Section? FindSection(uint type)
            {
                foreach (Section s in _sections)
                {
                    if (s.Type == type)
                    {
                        return s;
                    }
                }

                return null;
            }

            public Section Linked(Section section)
            {
                if (section.Link >= _sections.Count)
                {
                    throw new InvalidDataException(_name + ": section link " + section.Link + " is out of range (" + _sections.Count + " sections)");
                }

                return _sections[(int)section.Link];
            }

            public string String(Section table, uint offset)
            {
                if (offset >= table.Size)
                {
                    throw new InvalidDataException(_name + ": string offset " + offset + " is past its table (" + table.Size + " bytes)");
                }

                long start = table.Offset + offset;
                long end = start;
                long limit = table.Offset + table.Size;
                while (end < limit && _image[end] != 0)
                {
                    end++;
                }

                if (end == limit)
                {
                    throw new InvalidDataException(_name + ": unterminated string at offset " + offset);
                }

                return Encoding.ASCII.GetString(_image, (int)start, (int)(end - start));
            }

            public void Require(long offset, long length, string what)
            {
                if (offset < 0 || length < 0 || offset + length > _image.Length)
                {
                    throw new InvalidDataException(_name + ": " + what + " at offset " + offset + " (" + length
                        + " bytes) runs past the end of the file (" + _image.Length + " bytes); the file is truncated or corrupt");
                }
            }

            public ushort U16(long at)
            {
                Require(at, 2, "field");
                return (ushort)(_image[at] | (_image[at + 1] << 8));
            }

            public uint U32(long at)
            {
                Require(at, 4, "field");
                return (uint)(_image[at] | (_image[at + 1] << 8) | (_image[at + 2] << 16) | (_image[at + 3] << 24));
            }

            public ulong U64(long at)
            {
                return U32(at) | ((ulong)U32(at + 4) << 32);
            }

            public void WriteU16(long at, ushort value)
            {
                Require(at, 2, "field");
                _image[at] = (byte)value;
                _image[at + 1] = (byte)(value >> 8);
            }

            public void WriteU32(long at, uint value)
            {
                Require(at, 4, "field");
                for (int i = 0; i < 4; i++)
                {
                    _image[at + i] = (byte)(value >> (8 * i));
                }
            }
        }
    }
}
