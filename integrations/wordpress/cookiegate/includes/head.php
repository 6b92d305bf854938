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
 * The WP Consent API's consent type: opt-in, as cookiegate asks before anything that needs
 * consent runs (the loader sets window.wp_consent_type to the same on the page).
 *
 * @return string
 */
function cookiegate_consent_type() {
	return 'optin';
}
