// Authentication arithmetic against independently computed vectors, and the RSA exchange.
//
// Expected values were computed outside this code base:
//   - PASSWORD('app') / PASSWORD('wrong') from a MariaDB 10.11 server;
//   - the scrambles with Python's hashlib, e.g. for native:
//       s1 = sha1(pw); s2 = sha1(s1); xor(s1, sha1(scramble + s2))
//     and for caching_sha2 (MySQL's generate_sha2_scramble):
//       d1 = sha256(pw); d2 = sha256(d1); xor(d1, sha256(d2 + scramble))
//   - one native response captured from the `mariadb` client logging in to MariaDB 10.11.

#include "router/protocol/auth.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "tests/unit/protocol/test_util.h"

namespace sg::protocol {
namespace {

using test::hexString;
using test::toHex;

// 0x01..0x14
std::string fixedScramble() {
  std::string s(20, '\0');
  for (int i = 0; i < 20; ++i) s[i] = static_cast<char>(i + 1);
  return s;
}

// ---------------------------------------------------------------------------------------------
// mysql_native_password

TEST(NativePasswordTest, Stage2MatchesMariaDbPasswordFunction) {
  EXPECT_EQ(toHex(nativeStage2("app")), "5bcb3e6ac345b435c7c2e6b7949a04ce6f6563d3");
  EXPECT_EQ(toHex(nativeStage2("wrong")), "de3233b14d80fd34a5dd2dd68af9682f20bf832b");
  EXPECT_EQ(nativeStage2(""), "");  // PASSWORD('') is ''
}

TEST(NativePasswordTest, ParseNativeHash) {
  auto h = parseNativeHash("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3");
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, nativeStage2("app"));
  auto lower = parseNativeHash("*5bcb3e6ac345b435c7c2e6b7949a04ce6f6563d3");
  ASSERT_TRUE(lower);
  EXPECT_EQ(*lower, *h);
  auto empty = parseNativeHash("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");

  EXPECT_FALSE(parseNativeHash("5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3"));    // no '*'
  EXPECT_FALSE(parseNativeHash("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D"));    // 39 digits
  EXPECT_FALSE(parseNativeHash("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3A"));  // 41 digits
  EXPECT_FALSE(parseNativeHash("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563DG"));   // not hex
  EXPECT_FALSE(parseNativeHash("*"));
}

TEST(NativePasswordTest, ScrambleKnownVector) {
  EXPECT_EQ(toHex(nativeScramble("app", fixedScramble())),
            "12328035ee495da7a700c0f172e911706641abc5");
  EXPECT_EQ(nativeScramble("", fixedScramble()), "");
}

TEST(NativePasswordTest, ScrambleMatchesARealClient) {
  // Greeting scramble "PWG?Cq3F" + "IyF3j<.m_sD9" (MariaDB 10.11.19), password "wrong",
  // response as sent by the mariadb 10.11 command-line client.
  const std::string scramble = "PWG?Cq3FIyF3j<.m_sD9";
  EXPECT_EQ(toHex(nativeScramble("wrong", scramble)), "a2dba847be4da1a4e400190048f2472868af9935");
}

TEST(NativePasswordTest, Verify) {
  const std::string scramble = fixedScramble();
  const std::string stage2 = nativeStage2("app");
  EXPECT_TRUE(nativeVerify(nativeScramble("app", scramble), scramble, stage2));
  EXPECT_FALSE(nativeVerify(nativeScramble("App", scramble), scramble, stage2));
  EXPECT_FALSE(nativeVerify(nativeScramble("app", makeScramble()), scramble, stage2));
  EXPECT_FALSE(nativeVerify("", scramble, stage2));
  EXPECT_FALSE(nativeVerify(std::string(19, 'x'), scramble, stage2));
  EXPECT_FALSE(nativeVerify(std::string(21, 'x'), scramble, stage2));
  EXPECT_FALSE(nativeVerify(nativeScramble("app", scramble), scramble, "short"));
  // A user without password accepts exactly the empty response.
  EXPECT_TRUE(nativeVerify("", scramble, ""));
  EXPECT_FALSE(nativeVerify(nativeScramble("x", scramble), scramble, ""));
  // The real-client vector, server side.
  EXPECT_TRUE(nativeVerify(hexString("a2dba847be4da1a4e400190048f2472868af9935"),
                           "PWG?Cq3FIyF3j<.m_sD9",
                           *parseNativeHash("*DE3233B14D80FD34A5DD2DD68AF9682F20BF832B")));
}

TEST(NativePasswordTest, TrailingNulOfSwitchDataIsIgnored) {
  std::string withNul = fixedScramble() + '\0';
  EXPECT_EQ(nativeScramble("app", withNul), nativeScramble("app", fixedScramble()));
  EXPECT_TRUE(nativeVerify(nativeScramble("app", withNul), fixedScramble(), nativeStage2("app")));
}

// ---------------------------------------------------------------------------------------------
// caching_sha2_password

TEST(CachingSha2Test, ScrambleKnownVectors) {
  EXPECT_EQ(toHex(cachingSha2Scramble("app", fixedScramble())),
            "589cc07410973684546efd93ae82848ddc37b9eb72956fe2ff78156d25251073");
  EXPECT_EQ(toHex(cachingSha2Scramble("secret", "abcdefghijklmnopqrst")),
            "c76e2898612a4cf042c77fa8c4702c4c64c0c2c557c53c4d75595aaa6abae809");
  EXPECT_EQ(cachingSha2Scramble("", fixedScramble()), "");
}

TEST(CachingSha2Test, Verify) {
  const std::string scramble = fixedScramble();
  EXPECT_TRUE(cachingSha2Verify(cachingSha2Scramble("app", scramble), scramble, "app"));
  EXPECT_FALSE(cachingSha2Verify(cachingSha2Scramble("app", scramble), scramble, "apq"));
  EXPECT_FALSE(cachingSha2Verify(cachingSha2Scramble("app", scramble), makeScramble(), "app"));
  EXPECT_FALSE(cachingSha2Verify("", scramble, "app"));
  EXPECT_FALSE(cachingSha2Verify(std::string(31, 'x'), scramble, "app"));
  EXPECT_TRUE(cachingSha2Verify("", scramble, ""));
  EXPECT_FALSE(cachingSha2Verify("x", scramble, ""));
  EXPECT_TRUE(cachingSha2Verify(cachingSha2Scramble("app", scramble + '\0'), scramble, "app"));
}

// ---------------------------------------------------------------------------------------------
// Scramble generation and XOR

TEST(ScrambleTest, PrintableWithoutNulOrDollar) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string s = makeScramble();
    ASSERT_EQ(s.size(), 20u);
    for (char c : s) {
      EXPECT_GT(c, 0x20);
      EXPECT_LT(c, 0x7F);
      EXPECT_NE(c, '$');
    }
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(makeScramble(0), "");
  EXPECT_EQ(makeScramble(1000).size(), 1000u);
}

TEST(XorPasswordTest, KnownVectorAndCycling) {
  EXPECT_EQ(toHex(xorPassword("app", fixedScramble())), "60727304");  // "app\0" ^ 01 02 03 04
  std::string longPw(45, 'p');
  std::string x = xorPassword(longPw, fixedScramble());
  ASSERT_EQ(x.size(), 46u);
  for (size_t i = 0; i < x.size(); ++i) {
    char plain = i < longPw.size() ? 'p' : '\0';
    EXPECT_EQ(x[i], static_cast<char>(plain ^ static_cast<char>(i % 20 + 1))) << i;
  }
  EXPECT_EQ(xorPassword("ab", ""), std::string("ab\0", 3));
}

TEST(XorPasswordTest, RoundTrip) {
  const std::string scramble = makeScramble();
  for (std::string pw : {std::string(""), std::string("a"), std::string("correct horse battery"),
                         std::string(100, 'z'), std::string("p\xc3\xa4ss")}) {
    auto back = unxorPassword(xorPassword(pw, scramble), scramble);
    ASSERT_TRUE(back) << pw;
    EXPECT_EQ(*back, pw);
  }
  EXPECT_FALSE(unxorPassword("", scramble));
  EXPECT_FALSE(unxorPassword(xorPassword("pw", scramble), makeScramble()));  // wrong scramble
}

// ---------------------------------------------------------------------------------------------
// RSA

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string pemOf(EVP_PKEY* pkey, bool traditional, const EVP_CIPHER* cipher = nullptr,
                  const char* pass = nullptr) {
  BIO* bio = BIO_new(BIO_s_mem());
  int ok =
      traditional
          ? PEM_write_bio_PrivateKey_traditional(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr)
          : PEM_write_bio_PrivateKey(bio, pkey, cipher,
                                     reinterpret_cast<const unsigned char*>(pass),
                                     pass ? static_cast<int>(strlen(pass)) : 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out = ok == 1 ? std::string(data, static_cast<size_t>(len)) : "";
  BIO_free(bio);
  return out;
}

// Decrypts with OpenSSL's OAEP defaults (SHA-1, MGF1-SHA-1), i.e. what MySQL's RSA_public_encrypt
// with RSA_PKCS1_OAEP_PADDING produces, to show rsaEncryptWithPublicPem speaks the same.
std::optional<std::string> decryptWithDefaults(EVP_PKEY* pkey, std::string_view in) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey, nullptr);
  std::optional<std::string> result;
  size_t len = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  if (EVP_PKEY_decrypt_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
      EVP_PKEY_decrypt(ctx, nullptr, &len, p, in.size()) == 1) {
    std::string out(len, '\0');
    if (EVP_PKEY_decrypt(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, p, in.size()) ==
        1) {
      out.resize(len);
      result = out;
    }
  }
  EVP_PKEY_CTX_free(ctx);
  return result;
}

class RsaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    generated_ = RsaKey::generate(2048).release();
    raw_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  }
  static void TearDownTestSuite() {
    delete generated_;
    EVP_PKEY_free(raw_);
  }
  static RsaKey* generated_;
  static EVP_PKEY* raw_;
};
RsaKey* RsaTest::generated_ = nullptr;
EVP_PKEY* RsaTest::raw_ = nullptr;

TEST_F(RsaTest, GenerateEncryptDecrypt) {
  ASSERT_NE(generated_, nullptr);
  const std::string& pem = generated_->publicPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  EXPECT_NE(pem.find("-----END PUBLIC KEY-----"), std::string::npos);

  const std::string scramble = makeScramble();
  const std::string plain = xorPassword("s3cret!", scramble);
  auto cipher = rsaEncryptWithPublicPem(pem, plain);
  ASSERT_TRUE(cipher);
  EXPECT_EQ(cipher->size(), 256u);
  auto back = generated_->decrypt(*cipher);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, plain);
  EXPECT_EQ(unxorPassword(*back, scramble), "s3cret!");

  // OAEP is randomized: the same plaintext encrypts differently each time.
  EXPECT_NE(*rsaEncryptWithPublicPem(pem, plain), *cipher);
}

TEST_F(RsaTest, DecryptRefusesDamagedCiphertext) {
  auto cipher = rsaEncryptWithPublicPem(generated_->publicPem(), "pw");
  ASSERT_TRUE(cipher);
  std::string bad = *cipher;
  bad[100] ^= 0x01;
  EXPECT_FALSE(generated_->decrypt(bad));
  EXPECT_FALSE(generated_->decrypt(cipher->substr(1)));
  EXPECT_FALSE(generated_->decrypt(""));
  EXPECT_FALSE(generated_->decrypt(std::string(256, '\xff')));
}

TEST_F(RsaTest, PlaintextTooLongForOaep) {
  const std::string& pem = generated_->publicPem();
  EXPECT_TRUE(rsaEncryptWithPublicPem(pem, std::string(214, 'a')));  // 256 - 2*20 - 2
  EXPECT_FALSE(rsaEncryptWithPublicPem(pem, std::string(215, 'a')));
}

TEST_F(RsaTest, FromPrivatePem) {
  ASSERT_NE(raw_, nullptr);
  for (bool traditional : {false, true}) {
    std::string pem = pemOf(raw_, traditional);
    ASSERT_FALSE(pem.empty());
    EXPECT_NE(pem.find(traditional ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"),
              std::string::npos);
    auto key = RsaKey::fromPrivatePem(pem);
    ASSERT_NE(key, nullptr) << (traditional ? "PKCS#1" : "PKCS#8");

    auto cipher = rsaEncryptWithPublicPem(key->publicPem(), "hello");
    ASSERT_TRUE(cipher);
    EXPECT_EQ(key->decrypt(*cipher), "hello");
    // Interoperates with OpenSSL's OAEP defaults, in both directions.
    EXPECT_EQ(decryptWithDefaults(raw_, *cipher), "hello");
  }
}

TEST_F(RsaTest, GarbageKeysAreRefused) {
  EXPECT_EQ(RsaKey::fromPrivatePem(""), nullptr);
  EXPECT_EQ(RsaKey::fromPrivatePem("not a pem"), nullptr);
  EXPECT_EQ(
      RsaKey::fromPrivatePem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
      nullptr);
  EXPECT_EQ(RsaKey::fromPrivatePem(generated_->publicPem()), nullptr);  // public only

  EXPECT_FALSE(rsaEncryptWithPublicPem("", "pw"));
  EXPECT_FALSE(rsaEncryptWithPublicPem("garbage", "pw"));
  std::string damaged = generated_->publicPem();
  damaged[40] = damaged[40] == 'A' ? 'B' : 'A';
  damaged.erase(60, 10);
  EXPECT_FALSE(rsaEncryptWithPublicPem(damaged, "pw"));
}

TEST_F(RsaTest, EncryptedOrNonRsaPrivateKeysAreRefused) {
  // An encrypted key must fail quietly rather than prompt for a passphrase on the terminal.
  std::string encrypted = pemOf(raw_, false, EVP_aes_256_cbc(), "passphrase");
  ASSERT_NE(encrypted.find("ENCRYPTED"), std::string::npos);
  EXPECT_EQ(RsaKey::fromPrivatePem(encrypted), nullptr);

  PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(RsaKey::fromPrivatePem(pemOf(ec.get(), false)), nullptr);
}

TEST(RsaGenerateTest, RefusesSillySizes) {
  EXPECT_EQ(RsaKey::generate(0), nullptr);
  EXPECT_EQ(RsaKey::generate(-5), nullptr);
}

}  // namespace
}  // namespace sg::protocol
