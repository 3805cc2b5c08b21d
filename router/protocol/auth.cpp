#include "router/protocol/auth.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <climits>
#include <initializer_list>
#include <random>

namespace sg::protocol {

namespace {

constexpr size_t kNonceLength = 20;  // SCRAMBLE_LENGTH

struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Digest of the concatenation of `parts`; empty only if OpenSSL fails.
std::string digest(const EVP_MD* md, std::initializer_list<std::string_view> parts) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), out, &len) == 1;
  if (!ok) {
    ERR_clear_error();
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string sha1(std::initializer_list<std::string_view> parts) {
  return digest(EVP_sha1(), parts);
}
std::string sha256(std::initializer_list<std::string_view> parts) {
  return digest(EVP_sha256(), parts);
}

std::string xorEqualLength(std::string_view a, std::string_view b) {
  std::string out(a);
  for (size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] = static_cast<char>(out[i] ^ b[i]);
  return out;
}

std::string_view nonce(std::string_view scramble) { return scramble.substr(0, kNonceLength); }

bool constantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Never ask for a passphrase on a terminal: encrypted PEM keys simply fail to load.
int noPassphrase(char*, int, int, void*) { return 0; }

BioPtr memBio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// RSA-OAEP with SHA-1 for both the label hash and MGF1, as MySQL's RSA_PKCS1_OAEP_PADDING.
bool setOaep(EVP_PKEY_CTX* ctx) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) > 0;
}

}  // namespace

std::string makeScramble(size_t length) {
  // Printable ASCII except space and '$': 0x21..0x7e without 0x24, 93 characters. Bytes below
  // 2 * 93 map without bias; the rest are drawn again.
  static constexpr char kAlphabet[] =
      "!\"#%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
      "abcdefghijklmnopqrstuvwxyz{|}~";
  constexpr unsigned kAlphabetSize = sizeof(kAlphabet) - 1;
  static_assert(kAlphabetSize == 93);
  std::string out;
  out.reserve(length);
  unsigned char buf[64];
  while (out.size() < length) {
    if (RAND_bytes(buf, sizeof(buf)) != 1) {
      ERR_clear_error();
      std::random_device rd;  // should never happen; still better than a fixed scramble
      for (unsigned char& b : buf) b = static_cast<unsigned char>(rd());
    }
    for (unsigned char b : buf) {
      if (out.size() == length) break;
      if (b < 2 * kAlphabetSize) out.push_back(kAlphabet[b % kAlphabetSize]);
    }
  }
  return out;
}

std::string nativeScramble(std::string_view password, std::string_view scramble) {
  if (password.empty()) return {};
  std::string stage1 = sha1({password});
  std::string stage2 = sha1({stage1});
  return xorEqualLength(stage1, sha1({nonce(scramble), stage2}));
}

std::string nativeStage2(std::string_view password) {
  if (password.empty()) return {};
  return sha1({sha1({password})});
}

std::optional<std::string> parseNativeHash(std::string_view text) {
  if (text.empty()) return std::string();
  if (text.size() != 41 || text[0] != '*') return std::nullopt;
  std::string out(20, '\0');
  for (size_t i = 0; i < 20; ++i) {
    int hi = hexValue(text[1 + 2 * i]);
    int lo = hexValue(text[2 + 2 * i]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

bool nativeVerify(std::string_view response, std::string_view scramble, std::string_view stage2) {
  if (stage2.empty()) return response.empty();
  if (response.size() != 20 || stage2.size() != 20) return false;
  // response = SHA1(pw) XOR SHA1(scramble + stage2): recover SHA1(pw) and hash it once more.
  std::string stage1 = xorEqualLength(response, sha1({nonce(scramble), stage2}));
  return constantTimeEqual(sha1({stage1}), stage2);
}

std::string cachingSha2Scramble(std::string_view password, std::string_view scramble) {
  if (password.empty()) return {};
  std::string d1 = sha256({password});
  std::string d2 = sha256({d1});
  // MySQL's generate_sha2_scramble: the digest of stage 2 comes before the nonce.
  return xorEqualLength(d1, sha256({d2, nonce(scramble)}));
}

bool cachingSha2Verify(std::string_view response, std::string_view scramble,
                       std::string_view password) {
  if (password.empty()) return response.empty();
  return constantTimeEqual(response, cachingSha2Scramble(password, scramble));
}

std::string xorPassword(std::string_view password, std::string_view scramble) {
  std::string out(password);
  out.push_back('\0');
  std::string_view key = nonce(scramble);
  if (key.empty()) return out;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(out[i] ^ key[i % key.size()]);
  }
  return out;
}

std::optional<std::string> unxorPassword(std::string_view data, std::string_view scramble) {
  if (data.empty()) return std::nullopt;
  std::string out(data);
  std::string_view key = nonce(scramble);
  if (!key.empty()) {
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<char>(out[i] ^ key[i % key.size()]);
    }
  }
  if (out.back() != '\0') return std::nullopt;
  out.pop_back();
  return out;
}

// ---------------------------------------------------------------------------------------------
// RSA

RsaKey::RsaKey(void* pkey) : pkey_(pkey) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio && PEM_write_bio_PUBKEY(bio.get(), static_cast<EVP_PKEY*>(pkey_)) == 1) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    if (len > 0) publicPem_.assign(data, static_cast<size_t>(len));
  }
  ERR_clear_error();
}

RsaKey::~RsaKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

std::unique_ptr<RsaKey> RsaKey::generate(int bits) {
  if (bits < 512) return nullptr;
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!pkey) {
    ERR_clear_error();
    return nullptr;
  }
  std::unique_ptr<RsaKey> key(new RsaKey(pkey.release()));
  if (key->publicPem_.empty()) return nullptr;
  return key;
}

std::unique_ptr<RsaKey> RsaKey::fromPrivatePem(std::string_view pem) {
  BioPtr bio = memBio(pem);
  PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
  if (!pkey || EVP_PKEY_is_a(pkey.get(), "RSA") != 1) {
    ERR_clear_error();
    return nullptr;
  }
  std::unique_ptr<RsaKey> key(new RsaKey(pkey.release()));
  if (key->publicPem_.empty()) return nullptr;
  return key;
}

std::optional<std::string> RsaKey::decrypt(std::string_view ciphertext) const {
  auto* pkey = static_cast<EVP_PKEY*>(pkey_);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  const auto* in = reinterpret_cast<const unsigned char*>(ciphertext.data());
  size_t outLen = 0;
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !setOaep(ctx.get()) ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &outLen, in, ciphertext.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string out(outLen, '\0');
  if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &outLen, in,
                       ciphertext.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(outLen);
  return out;
}

std::optional<std::string> rsaEncryptWithPublicPem(std::string_view pem,
                                                   std::string_view plaintext) {
  BioPtr bio = memBio(pem);
  PkeyPtr pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
  if (!pkey || EVP_PKEY_is_a(pkey.get(), "RSA") != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  const auto* in = reinterpret_cast<const unsigned char*>(plaintext.data());
  size_t outLen = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || !setOaep(ctx.get()) ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &outLen, in, plaintext.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string out(outLen, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &outLen, in,
                       plaintext.size()) != 1) {
    ERR_clear_error();  // e.g. plaintext longer than the key allows
    return std::nullopt;
  }
  out.resize(outLen);
  return out;
}

}  // namespace sg::protocol
