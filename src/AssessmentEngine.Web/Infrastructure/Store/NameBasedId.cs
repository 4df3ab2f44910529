using System.Security.Cryptography;
using System.Text;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>Stream ids derived from names, so that every node agrees on them without a lookup and two creations collide.</summary>
public static class NameBasedId
{
    public static Guid For(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // a name-based (version 5 style) identifier
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
