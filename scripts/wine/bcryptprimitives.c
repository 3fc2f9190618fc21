/* For the tests only: Debian's wine 8 has no bcryptprimitives.dll, whose
   ProcessPrng the Rust standard library imports for random numbers.
   This stand-in, placed beside zhanting.exe when it runs under wine, fills
   the buffer from RtlGenRandom (advapi32's SystemFunction036), which wine
   has. Windows itself has the real DLL; it is never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
