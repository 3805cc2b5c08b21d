#include "router/net/tls_context.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

namespace sg::net {

namespace ssl = boost::asio::ssl;

namespace {

// A self-signed certificate for `key`, valid for ten years.
X509* selfSignedCertificate(EVP_PKEY* key) {
  X509* cert = X509_new();
  if (!cert) return nullptr;
  uint64_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial));
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1);
  X509_set_version(cert, 2);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(
                                 "shardgate_Auto_Generated_Server_Certificate"),
                             -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_set_pubkey(cert, key) != 1 || X509_sign(cert, key, EVP_sha256()) == 0) {
    X509_free(cert);
    return nullptr;
  }
  return cert;
}

}  // namespace

std::shared_ptr<ssl::context> makeServerTlsContext(const std::string& certFile,
                                                   const std::string& keyFile, void* keyHandle,
                                                   std::string& error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  if (!certFile.empty() || !keyFile.empty()) {
    ctx->use_certificate_chain_file(certFile, ec);
    if (ec) {
      error = certFile + ": cannot load TLS certificate: " + ec.message();
      return nullptr;
    }
    ctx->use_private_key_file(keyFile, ssl::context::pem, ec);
    if (ec) {
      error = keyFile + ": cannot load TLS private key: " + ec.message();
      return nullptr;
    }
    return ctx;
  }
  auto* key = static_cast<EVP_PKEY*>(keyHandle);
  X509* cert = key ? selfSignedCertificate(key) : nullptr;
  bool ok = cert && SSL_CTX_use_certificate(ctx->native_handle(), cert) == 1 &&
            SSL_CTX_use_PrivateKey(ctx->native_handle(), key) == 1;
  if (cert) X509_free(cert);
  if (!ok) {
    error = "cannot create a self-signed TLS certificate";
    return nullptr;
  }
  return ctx;
}

}  // namespace sg::net
