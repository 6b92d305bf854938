<?php
/**
 * What cookiegate adds to every page: the loader tag, first in <head>, and the consent type.
 *
 * @package cookiegate
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The loader's URL for the configured server and site, or '' while either is unset or invalid
 * (then nothing is printed: a broken tag would block nothing and only cost a request).
 *
 * @return string
 */
function cookiegate_loader_url() {
	$server = cookiegate_clean_server( (string) get_option( 'cookiegate_server_url', '' ) );
	$site   = cookiegate_clean_site( (string) get_option( 'cookiegate_site_id', '' ) );
	if ( '' === $server || '' === $site ) {
		return '';
	}
	return $server . '/v1/sites/' . rawurlencode( $site ) . '/loader.js';
}

/**
 * Print the loader tag (wp_head, COOKIEGATE_HEAD_PRIORITY). A plain, synchronous script: the
 * loader must run before anything else on the page. wp_print_script_tag applies the
 * wp_script_attributes filter, through which a Content-Security-Policy plugin adds its nonce.
 */
function cookiegate_print_loader() {
	$url = cookiegate_loader_url();
	if ( '' === $url ) {
		return;
	}
	wp_print_script_tag(
		array(
			'src' => esc_url_raw( $url ),
			'id'  => 'cookiegate-loader',
		)
	);
}

/**
 * The WP Consent API's consent type for PHP: always opt-in. The visitor's regime is resolved by
 * the cookiegate server from its own geo settings and the site's [jurisdictions], which this
 * plugin does not have, and a geo header seen here is not checked as cookiegate checks it, so
 * no request header makes it weaker. In the browser the loader's bridge sets
 * window.wp_consent_type to the regime's type (optout for opt-out and notice regimes). The
 * two differ only before the visitor's first decision: the bridge then stores a choice for
 * every category, and with a stored choice optin and optout answer alike (docs/platforms.md).
 *
 * @return string
 */
function cookiegate_consent_type() {
	return 'optin';
}
