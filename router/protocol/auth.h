#pragma once
// Authentication arithmetic of mysql_native_password and caching_sha2_password, and the RSA key
// exchange caching_sha2_password uses for full authentication without TLS. OpenSSL does the
// hashing and the RSA; nothing here touches a socket. Like the servers, the scramble functions use
// only the first 20 bytes of a scramble (so a trailing NUL passed along does no harm).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sg::protocol {

// Random bytes for a greeting's scramble: printable, never NUL or '$' (as MySQL does), 20 bytes.
std::string makeScramble(size_t length = 20);

// mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))); empty
// password -> empty response.
std::string nativeScramble(std::string_view password, std::string_view scramble);
// The stored form: SHA1(SHA1(password)) as 20 raw bytes; empty for an empty password (as
// PASSWORD('') is '').
std::string nativeStage2(std::string_view password);
// Parses "*<40 hex>" (either case) into the 20-byte stage-2 hash; "" (no password) gives "".
std::optional<std::string> parseNativeHash(std::string_view text);
// Server-side check of a native response against the stage-2 hash. An empty stage 2 accepts only
// an empty response.
bool nativeVerify(std::string_view response, std::string_view scramble, std::string_view stage2);

// caching_sha2_password fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble).
std::string cachingSha2Scramble(std::string_view password, std::string_view scramble);
// Server side, knowing the plaintext password; an empty password accepts only an empty response.
bool cachingSha2Verify(std::string_view response, std::string_view scramble,
                       std::string_view password);

// XOR of (password + '\0') with the scramble repeated, the plaintext RSA-encrypted for full auth.
std::string xorPassword(std::string_view password, std::string_view scramble);
// Server side inverse of xorPassword (after RSA decryption): the password, or nullopt when the
// result does not end in the NUL the client appended.
std::optional<std::string> unxorPassword(std::string_view data, std::string_view scramble);

// An RSA key pair for caching_sha2_password's public-key exchange.
class RsaKey {
 public:
  // Generates a new 2048-bit key; nullptr on failure.
  static std::unique_ptr<RsaKey> generate(int bits = 2048);
  // Loads a PEM private key; nullptr on failure.
  static std::unique_ptr<RsaKey> fromPrivatePem(std::string_view pem);
  ~RsaKey();
  RsaKey(const RsaKey&) = delete;
  RsaKey& operator=(const RsaKey&) = delete;

  // The public key as PEM ("-----BEGIN PUBLIC KEY-----..."), what the server sends on request.
  const std::string& publicPem() const { return publicPem_; }
  // The OpenSSL key (EVP_PKEY*), e.g. to serve TLS with the same key.
  void* nativeHandle() const { return pkey_; }
  // RSA-OAEP (SHA-1) decryption; nullopt on failure.
  std::optional<std::string> decrypt(std::string_view ciphertext) const;

 private:
  explicit RsaKey(void* pkey);
  void* pkey_;  // EVP_PKEY*
  std::string publicPem_;
};

// Client side: RSA-OAEP (SHA-1) encryption with a server's PEM public key; nullopt on failure.
std::optional<std::string> rsaEncryptWithPublicPem(std::string_view pem,
                                                   std::string_view plaintext);

}  // namespace sg::protocol
